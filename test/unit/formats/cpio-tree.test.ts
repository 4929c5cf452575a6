import { describe, expect, it } from "vitest";
import { major, minor, overlayEntries } from "../../../src/formats/cpio-tree.ts";
import { S_IFDIR, S_IFLNK, S_IFREG, type CpioEntry } from "../../../src/formats/cpio.ts";
import { UserError } from "../../../src/errors.ts";

const d = (path: string, mode = 0o755, uid = 0): CpioEntry => ({ path, mode: S_IFDIR | mode, uid, gid: 0 });
const f = (path: string, text = ""): CpioEntry => ({
  path,
  mode: S_IFREG | 0o644,
  uid: 0,
  gid: 0,
  data: Buffer.from(text),
});
const l = (path: string, target: string): CpioEntry => ({
  path,
  mode: S_IFLNK | 0o777,
  uid: 0,
  gid: 0,
  target,
});

describe("overlay", () => {
  it("lets the skeleton's files win and keeps the rootfs's directories", () => {
    const base = [d("etc", 0o755), f("etc/motd", "debian"), f("etc/hostname", "x"), l("init", "/sbin/init")];
    const top = [d("etc", 0o775, 1000), f("etc/motd", "livedeck"), f("init", "#!/bin/sh")];
    const m = new Map(overlayEntries(base, top).map((e) => [e.path, e]));
    expect(m.get("etc")!.mode).toBe(S_IFDIR | 0o755);
    expect(m.get("etc")!.uid).toBe(0);
    expect((m.get("etc/motd")!.data as Buffer).toString()).toBe("livedeck");
    expect((m.get("etc/hostname")!.data as Buffer).toString()).toBe("x");
    expect(m.get("init")!.mode & S_IFREG).toBe(S_IFREG);
    expect(m.size).toBe(4);
  });

  it("refuses a skeleton directory where the rootfs has a symlink (merged /usr)", () => {
    const run = () => overlayEntries([l("sbin", "usr/sbin")], [d("sbin"), f("sbin/x")], "initrd-skel/dom0");
    expect(run).toThrow(UserError);
    expect(run).toThrow(
      "initrd-skel/dom0: sbin is a directory but the root filesystem has a symlink to usr/sbin there",
    );
  });

  it("refuses a skeleton file where the rootfs has a directory", () => {
    expect(() => overlayEntries([d("etc")], [f("etc")])).toThrow(
      "skeleton: etc is a file but the root filesystem has a directory there",
    );
  });
});

describe("device numbers", () => {
  it.each([
    [0x0103, 1, 3], // /dev/null
    [0x0805, 8, 5],
    [0x500_0500, 5, 0x5000], // minor above 255 (glibc makedev)
    [0x1000_0000_0103, 0x1001, 3], // major above 4095
  ])("dev %i is %i:%i", (dev, ma, mi) => {
    expect([major(dev), minor(dev)]).toEqual([ma, mi]);
  });
});
