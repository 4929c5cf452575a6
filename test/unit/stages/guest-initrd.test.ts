import { describe, expect, it } from "vitest";
import { withParents } from "../../../src/formats/tar-tree.ts";
import guestInitrd, { GUEST_MODULES, moduleLoadOrder, RESEED_SOURCE } from "../../../src/stages/guest-initrd.ts";

const DEP = `kernel/fs/overlayfs/overlay.ko:
kernel/fs/isofs/isofs.ko: kernel/drivers/cdrom/cdrom.ko
kernel/drivers/cdrom/cdrom.ko:
kernel/a/top.ko: kernel/a/mid.ko kernel/a/low.ko
kernel/a/mid.ko: kernel/a/low.ko
kernel/a/low.ko:
kernel/drivers/block/xen-blkfront.ko:
`;

describe("guest-initrd stage", () => {
  it("orders modules so each comes after what it depends on, in the order asked", () => {
    expect(moduleLoadOrder(DEP, ["xen_blkfront", "isofs", "top", "overlay", "mid"])).toEqual([
      "kernel/drivers/block/xen-blkfront.ko",
      "kernel/drivers/cdrom/cdrom.ko",
      "kernel/fs/isofs/isofs.ko",
      "kernel/a/low.ko",
      "kernel/a/mid.ko",
      "kernel/a/top.ko",
      "kernel/fs/overlayfs/overlay.ko",
    ]);
  });

  it("leaves out built-in or unknown names (the stage checks those with moduleClosure)", () => {
    expect(moduleLoadOrder(DEP, ["ext4", "overlay"])).toEqual(["kernel/fs/overlayfs/overlay.ko"]);
  });

  it("lists parents before children, sorted, without the root", () => {
    expect(withParents(["usr/lib/x/libc.so.6", "lib64", "usr/bin/busybox"])).toEqual([
      "lib64", "usr", "usr/bin", "usr/bin/busybox", "usr/lib", "usr/lib/x", "usr/lib/x/libc.so.6",
    ]); // prettier-ignore
  });

  it("has options with the guest's modules by default, and hashes the skeleton", () => {
    const o = guestInitrd.options.parse({ epoch: 1, skel: "/p/initrd-skel/guest" });
    expect(o).toEqual({
      level: 9,
      epoch: 1,
      skel: "/p/initrd-skel/guest",
      busybox: "/bin/busybox",
      modules: GUEST_MODULES,
      reseed: RESEED_SOURCE,
    });
    expect(guestInitrd.inputs(o)).toEqual(["/p/initrd-skel/guest", RESEED_SOURCE]);
    expect(guestInitrd.consumes).toEqual(["rootfs"]);
  });

  const bad: [string, object, RegExp][] = [
    ["relative skeleton", { epoch: 1, skel: "initrd-skel/guest" }, /must be an absolute path/],
    ["unknown key", { epoch: 1, skel: "/s", module: [] }, /Unrecognized key\(s\) in object: 'module'/],
    ["empty module name", { epoch: 1, skel: "/s", modules: [""] }, /at least 1 character/],
    ["level", { epoch: 1, skel: "/s", level: 20 }, /less than or equal to 19/],
  ];
  for (const [name, o, message] of bad) {
    it(`rejects bad options: ${name}`, () => {
      const r = guestInitrd.options.safeParse(o);
      expect(r.success).toBe(false);
      expect(r.error!.issues[0]!.message).toMatch(message);
    });
  }
});
