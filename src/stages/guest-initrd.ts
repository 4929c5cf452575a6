import { createWriteStream } from "node:fs";
import { readFile, stat, unlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { z } from "zod";
import { initrdOptionFields } from "./initrd-options.ts";
import { UserError } from "../errors.ts";
import { overlayEntries, walkTree } from "../formats/cpio-tree.ts";
import { S_IFDIR, S_IFREG, writeCpio, type CpioEntry } from "../formats/cpio.ts";
import { programFiles } from "../formats/program-files.ts";
import { moduleClosure, moduleName, parseModulesDep } from "../formats/modules-dep.ts";
import {
  cpioEntriesFromTar,
  indexHeaders,
  readBodies,
  resolveInTree,
  withParents,
} from "../formats/tar-tree.ts";
import { defineStage } from "../pipeline/stage.ts";
import { zstdArgv } from "./dom0-initrd.ts";

/**
 * The one initrd every guest boots (initrd-skel/guest/init decides per guest from the command
 * line), and the guest kernel. Everything comes from the dom0 rootfs, so the guest runs the
 * kernel dom0 runs (Debian's boots as a PV domU) and the build needs no host binaries: busybox
 * with the shared libraries it links, and the modules below with their dependencies.
 */
export const GUEST_MODULES = ["xen-blkfront", "xen-netfront", "squashfs", "overlay", "loop", "isofs"];

const S_IFCHR = 0o020000;
/** Source of the guest's post-restore reseeder (assembled per build: binutils, no libc). */
export const RESEED_SOURCE = join(import.meta.dirname, "..", "guest", "livedeck-reseed.s");
/** Where the guest's init finds it. */
export const RESEED_PATH = "usr/lib/livedeck/livedeck-reseed";

/** Assembling and linking the reseeder: a static binary, no build id (the same bytes every build). */
export function reseedArgv(source: string, object: string, binary: string): string[][] {
  return [
    ["as", "--64", "-o", object, source],
    ["ld", "-static", "-s", "--build-id=none", "-o", binary, object],
  ];
}
/** Where the init reads the modules to insmod, in load order. */
export const MODULE_LIST = "usr/lib/livedeck/modules";

/** Module files for `wanted`, each after the modules it depends on. */
export function moduleLoadOrder(depText: string, wanted: readonly string[]): string[] {
  const deps = parseModulesDep(depText);
  const byName = new Map([...deps.keys()].map((p) => [moduleName(p), p]));
  const order: string[] = [];
  const seen = new Set<string>();
  const visit = (p: string) => {
    if (seen.has(p)) return;
    seen.add(p);
    for (const d of deps.get(p) ?? []) visit(d);
    order.push(p);
  };
  for (const w of wanted) {
    const p = byName.get(moduleName(w));
    if (p) visit(p);
  }
  return order;
}

const options = z
  .object({
    ...initrdOptionFields("initrd skeleton (initrd-skel/guest)"),
    busybox: z
      .string()
      .default("/bin/busybox")
      .describe("busybox inside the rootfs; its shared libraries come along"),
    modules: z
      .array(z.string().min(1))
      .default(GUEST_MODULES)
      .describe("kernel modules loaded by the guest's /init"),
    reseed: z
      .string()
      .default(RESEED_SOURCE)
      .describe("assembly source of livedeck-reseed (mixes dom0's seed into the RNG after a restore)"),
  })
  .strict();

export default defineStage({
  name: "guest-initrd",
  version: 2,
  summary: "the guest kernel and one small busybox initrd (zstd cpio) that boots every guest flavour",
  options,
  consumes: ["rootfs"],
  inputs: (o) => [o.skel, o.reseed],
  tools: ["zstd", "as", "ld"],
  async run(ctx) {
    const o = ctx.options;
    const tar = join(ctx.input("rootfs"), "rootfs.tar");
    const index = await indexHeaders(tar);
    const kernels = [...index.keys()].filter((p) => /^boot\/vmlinuz-/.test(p)).sort();
    if (kernels.length !== 1) {
      throw new UserError(
        `guest-initrd: expected one boot/vmlinuz-* in the rootfs, found ${kernels.join(", ") || "none"}`,
        "dom0's packages must pull in exactly one linux-image package",
      );
    }
    const kver = kernels[0]!.slice("boot/vmlinuz-".length);
    const modDir = resolveInTree(index, `/lib/modules/${kver}`);
    if (!modDir)
      throw new UserError(
        `guest-initrd: kernel ${kver} has no /lib/modules/${kver} in the rootfs`,
        "install the kernel with its modules (linux-image-amd64)",
      );
    const busybox = resolveInTree(index, o.busybox);
    if (!busybox || index.get(busybox.path)?.type === "directory") {
      throw new UserError(
        `guest-initrd: the rootfs has no busybox (${o.busybox})`,
        "add busybox to dom0's packages",
      );
    }

    const bodies = await readBodies(tar, [
      kernels[0]!,
      `${modDir.path}/modules.dep`,
      `${modDir.path}/modules.builtin`,
    ]);
    const kept = await programFiles(tar, index, busybox, bodies).catch((e: unknown) => {
      throw e instanceof UserError ? new UserError(`guest-initrd: ${e.message}`, e.hint) : e;
    });

    const depText = bodies.get(`${modDir.path}/modules.dep`)!.toString();
    const closure = moduleClosure(
      depText,
      bodies.get(`${modDir.path}/modules.builtin`)!.toString(),
      o.modules,
    );
    if (closure.missing.length) {
      throw new UserError(
        `guest-initrd: kernel module(s) not in ${kver}: ${closure.missing.join(", ")}`,
        `check the names in modules: (ls /lib/modules/${kver}/kernel)`,
      );
    }
    const order = moduleLoadOrder(depText, o.modules).map((m) => `${modDir.path}/${m}`);
    const compressed = order.filter((m) => !m.endsWith(".ko"));
    if (compressed.length)
      throw new UserError(
        `guest-initrd: compressed modules are not supported yet: ${compressed.join(", ")}`,
        "use a suite whose kernel ships plain .ko files (bookworm)",
      );
    for (const [p, b] of await readBodies(tar, order)) bodies.set(p, b);

    const entries = cpioEntriesFromTar(index, bodies, [
      ...kept,
      ...order.map((p) => ({ path: p, data: p, via: [] })),
    ]);
    entries.push(
      { path: "dev", mode: S_IFDIR | 0o755, uid: 0, gid: 0 },
      { path: "dev/console", mode: S_IFCHR | 0o600, uid: 0, gid: 0, rdev: { major: 5, minor: 1 } },
      {
        path: MODULE_LIST,
        mode: S_IFREG | 0o644,
        uid: 0,
        gid: 0,
        data: Buffer.from(order.map((p) => `/${p}\n`).join("")),
      },
    );
    const reseed = join(ctx.out, "livedeck-reseed");
    for (const argv of reseedArgv(o.reseed, `${reseed}.o`, reseed)) await ctx.exec(argv);
    entries.push({ path: RESEED_PATH, mode: S_IFREG | 0o755, uid: 0, gid: 0, data: await readFile(reseed) });
    await unlink(`${reseed}.o`);
    await unlink(reseed);
    const all = overlayEntries<CpioEntry>(entries, await walkTree(o.skel, { normalize: true }), o.skel);
    for (const dir of withParents(all.map((e) => e.path)).filter((d) => !all.some((e) => e.path === d))) {
      all.push({ path: dir, mode: S_IFDIR | 0o755, uid: 0, gid: 0 });
    }

    await writeFile(join(ctx.out, "vmlinuz"), bodies.get(kernels[0]!)!);
    const cpio = join(ctx.out, "initrd.cpio");
    const img = join(ctx.out, "initrd.img");
    const cpioBytes = await writeCpio(all, createWriteStream(cpio), { mtime: o.epoch });
    await ctx.exec(zstdArgv(o.level, cpio, img));
    await unlink(cpio);
    const imgBytes = (await stat(img)).size;
    ctx.log(
      `initrd.img: ${all.length} entries, ${order.length} modules, ${kept.length} binaries; cpio ${kib(cpioBytes)} → zstd-${o.level} ${kib(imgBytes)} (kernel ${kver})`,
    );
    return {
      entries: all.length,
      cpioBytes,
      imgBytes,
      kernel: kver,
      modules: order.length,
      binaries: kept.map((k) => k.path).join(" "),
    };
  },
});

const kib = (n: number) => `${(n / 1024).toFixed(0)} KiB`;
