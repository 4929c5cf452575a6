import { mkdir, mkdtemp, open, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TarWriter, type TarHeader } from "../../src/formats/tar.ts";
import guestInitrd, { GUEST_MODULES } from "../../src/stages/guest-initrd.ts";
import rootfs from "../../src/stages/rootfs.ts";
import squashfs from "../../src/stages/squashfs.ts";
import { requireTools } from "../../src/tools/doctor.ts";
import { ROOT } from "../helpers/cli.ts";
import { freePort } from "../helpers/free-port.ts";
import { runStage } from "../helpers/stage-ctx.ts";
import { Console } from "../helpers/serial-console.ts";

/**
 * The guest initrd and layers booted by plain QEMU (TCG) instead of Xen: the same kernel, /init,
 * squashfs layers and overlay, with QEMU's e1000 and virtio disks standing in for Xen's netfront
 * and blkfront (their modules are added to the initrd). What only Xen can show (xl configs, vif-route,
 * blkback) is checked by the medium's boot tests; this one needs no dom0.
 */
const DEBS = join(ROOT, ".store-test-debs");
const MIRROR = "/etc/apt/sources.list.d/debian.sources";
const EPOCH = 1_700_000_000;
const QEMU_MODULES = [...GUEST_MODULES, "e1000", "virtio_pci", "virtio_blk"];

function qemu(kernel: string, initrd: string, append: string, extra: string[]): Console {
  // prettier-ignore
  return new Console([
    "qemu-system-x86_64", "-m", "512", "-accel", "tcg", "-display", "none", "-monitor", "none", "-serial", "stdio",
    "-no-reboot", "-kernel", kernel, "-initrd", initrd, "-append", `console=ttyS0 ${append}`, ...extra,
  ]);
}

describe("guest initrd booted by QEMU (no Xen)", () => {
  let dir: string;
  let kernel: string;
  let initrd: string;
  let base: string;
  let delta: string;

  beforeAll(async () => {
    await requireTools(
      [...rootfs.tools, ...guestInitrd.tools, ...squashfs.tools, "qemu-system-x86_64"],
      "the guest initrd boot tests",
    );
    dir = await mkdtemp(join(tmpdir(), "livedeck-guest-boot-"));
    await mkdir(DEBS, { recursive: true });
    const root = await runStage(
      rootfs,
      { suite: "bookworm", mirror: MIRROR, epoch: EPOCH, packages: ["linux-image-amd64", "busybox"] },
      { dir, debs: DEBS },
    );
    const gi = await runStage(
      guestInitrd,
      { epoch: EPOCH, skel: join(ROOT, "initrd-skel/guest"), modules: QEMU_MODULES },
      { dir, debs: DEBS, inputs: { rootfs: root.out } },
    );
    kernel = join(gi.out, "vmlinuz");
    initrd = join(gi.out, "initrd.img");
    base = join(
      (
        await runStage(
          squashfs,
          { which: "rootfs", epoch: EPOCH, level: 3 },
          { dir, debs: DEBS, inputs: { layer: root.out } },
        )
      ).out,
      "layer.squashfs",
    );

    // A flavour's delta: one new file, one whiteout (removes a file of the base).
    const d = join(dir, "delta");
    await mkdir(d);
    const fh = await open(join(d, "delta.tar"), "w");
    const w = new TarWriter(fh);
    const h = (name: string, type: TarHeader["type"], size = 0): TarHeader => ({
      name,
      type,
      size,
      mode: type === "directory" ? 0o755 : 0o644,
      uid: 0,
      gid: 0,
      mtime: EPOCH,
      linkname: "",
      devmajor: 0,
      devminor: 0,
      pax: [],
    });
    const body = Buffer.from("from the delta layer\n");
    await w.add(h("./", "directory"));
    await w.add(h("./etc/", "directory"));
    await w.add({ ...h("./etc/debian_version", "char"), mode: 0 });
    await w.add(h("./etc/livedeck-delta", "file", body.length), [body]);
    await w.end();
    await fh.close();
    delta = join(
      (await runStage(squashfs, { which: "delta", epoch: EPOCH }, { dir, debs: DEBS, inputs: { layer: d } }))
        .out,
      "layer.squashfs",
    );
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it("busybox guest: services up, READY on the console, web page served, poweroff ends it", async () => {
    const port = await freePort();
    const t0 = Date.now();
    const c = qemu(kernel, initrd, "livedeck.name=tiny livedeck.flavour=micro livedeck.ip=10.0.2.15/24 livedeck.gw=10.0.2.2 livedeck.services=httpd", [
      "-nic", `user,model=e1000,restrict=on,hostfwd=tcp:127.0.0.1:${port}-:80`,
    ]); // prettier-ignore
    const ready = (await c.waitFor(/^LIVEDECK-GUEST-READY tiny\r?$/m, 240)).index;
    console.log(`busybox guest ready ${((Date.now() - t0) / 1000).toFixed(1)} s after QEMU start`);
    expect(c.text).not.toMatch(/LIVEDECK-GUEST-FAILED/);
    const page = await (await fetch(`http://127.0.0.1:${port}/`)).text();
    expect(page).toContain("<h1>livedeck guest tiny</h1>");
    await c.waitFor(/# /, 30, ready); // the console shell's prompt
    const from = c.text.length;
    c.type("ip -4 -o addr show dev eth0; hostname; poweroff");
    await c.waitFor(/^tiny\r?$/m, 30, from);
    expect(c.text.slice(from)).toMatch(/eth0 +inet 10\.0\.2\.15\/24/);
    expect(await c.exited(60)).toBe(0);
  });

  // QEMU's DHCP server with restrict=on offers an address but no router and no DNS server.
  it("busybox guest without livedeck.ip takes its address by DHCP (QEMU's user network serves one)", async () => {
    const c = qemu(kernel, initrd, "livedeck.name=dhcp livedeck.flavour=micro", [
      "-nic",
      "user,model=e1000,restrict=on",
    ]);
    const ready = (await c.waitFor(/^LIVEDECK-GUEST-READY dhcp\r?$/m, 240)).index;
    await c.waitFor(/# /, 30, ready);
    const from = c.text.length;
    c.type("ip -4 -o addr show dev eth0; hostname; poweroff");
    await c.waitFor(/^dhcp\r?$/m, 30, from);
    const out = c.text.slice(from);
    expect(out).toMatch(/eth0 +inet 10\.0\.2\.15\/24/);
    expect(await c.exited(60)).toBe(0);
  });

  it("layered guest: squashfs base + delta under a tmpfs upper, switch_root, READY, writes in RAM, poweroff", async () => {
    const t0 = Date.now();
    const drive = (f: string) => ["-drive", `file=${f},if=virtio,format=raw,readonly=on`];
    const c = qemu(kernel, initrd, "livedeck.name=deb livedeck.flavour=jeos livedeck.ip=10.0.2.15/24 livedeck.gw=10.0.2.2 livedeck.layers=vda,vdb", [
      "-nic", "user,model=e1000,restrict=on", ...drive(base), ...drive(delta),
    ]); // prettier-ignore
    const ready = (await c.waitFor(/^LIVEDECK-GUEST-READY deb\r?$/m, 300)).index;
    console.log(`layered guest ready ${((Date.now() - t0) / 1000).toFixed(1)} s after QEMU start`);
    await c.waitFor(/# /, 30, ready);
    const from = c.text.length;
    c.type(
      "cat /etc/livedeck-delta; ls /etc/debian_version; echo written >/root/x && cat /root/x; grep -c ' / overlay ' /proc/mounts; cat /etc/hostname; poweroff",
    );
    await c.waitFor(/^deb\r?$/m, 60, from);
    const out = c.text.slice(from);
    expect(out).toMatch(/^from the delta layer\r?$/m);
    expect(out).toMatch(/ls: cannot access '\/etc\/debian_version': No such file or directory/);
    expect(out).toMatch(/^written\r?$/m);
    expect(out).toMatch(/^1\r?$/m);
    expect(await c.exited(120)).toBe(0);
  });
});
