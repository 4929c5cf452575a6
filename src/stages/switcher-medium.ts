import { mkdir, readdir, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import { z } from "zod";
import { UserError } from "../errors.ts";
import { sharedBuiltinPaths } from "../formats/node-runtime.ts";
import { programFiles } from "../formats/program-files.ts";
import { indexHeaders, resolveInTree } from "../formats/tar-tree.ts";
import { defineStage } from "../pipeline/stage.ts";
import { blessedDir, BUNDLE_FILE, bundleSwitcher, TERMINFO_FILES } from "../switcher/bundle.ts";
import { writeDom0Lacks } from "./dom0-lacks.ts";
import { mksquashfsArgv } from "./squashfs.ts";

/**
 * The console switcher on the medium ("on disk", DESIGN.md "Boot markers"): its esbuild bundle, and
 * the part of Node's runtime that the pruned RAM dom0 lacks (Node is ~80 MB unpacked) as a
 * squashfs that dom0 mounts and links into its root (initrd-skel/dom0/usr/lib/livedeck/switcher-up).
 */
export const SWITCHER_DIR = "switcher";
export const RUNTIME_IMAGE = "node.squashfs";
/** Files of the output's switcher/ dir, as they go below livedeck/switcher/ on the medium. */
export const SWITCHER_FILES = [BUNDLE_FILE, ...TERMINFO_FILES.map((f) => `usr/${f}`), RUNTIME_IMAGE];

/**
 * The bundle's sources: a change to them re-runs this stage. The install broker brings in the
 * installer (src/install) and what it runs tools with (src/tools, src/errors.ts).
 */
const SOURCES = ["switcher", "dom0", "install", "tools", "errors.ts"].map((p) => join(import.meta.dirname, "..", p));

const options = z
  .object({
    node: z.string().default("/usr/bin/node").describe("Node's executable inside dom0's rootfs"),
    level: z.number().int().min(1).max(22).default(15).describe("zstd level of the runtime image"),
    epoch: z.number().int().min(0).max(0xffffffff).describe("mtime of every inode (SOURCE_DATE_EPOCH)"),
  })
  .strict();

export { missingPaths } from "./dom0-lacks.ts";

export default defineStage({
  name: "switcher-medium",
  version: 1,
  summary:
    "the switcher's bundle and the Node runtime files the pruned dom0 lacks (squashfs), for the medium",
  options,
  consumes: ["rootfs", "dom0"],
  inputs: () => [...SOURCES, blessedDir()],
  tools: ["tar", "mksquashfs"],
  async run(ctx) {
    const o = ctx.options;
    const tar = join(ctx.input("rootfs"), "rootfs.tar");
    const pruned = join(ctx.input("dom0"), "root");
    const index = await indexHeaders(tar);
    const node = resolveInTree(index, o.node);
    if (!node || index.get(node.path)?.type === "directory")
      throw new UserError(`switcher-medium: dom0's rootfs has no ${o.node}`, "add nodejs to dom0's packages");

    const bodies = new Map<string, Buffer>();
    const closure = await programFiles(tar, index, node, bodies).catch((e: unknown) => {
      throw e instanceof UserError ? new UserError(`switcher-medium: ${e.message}`, e.hint) : e;
    });
    const builtins = [...new Set(closure.flatMap((r) => sharedBuiltinPaths(bodies.get(r.data)!)))].map(
      (p) => {
        const r = resolveInTree(index, p);
        if (!r)
          throw new UserError(
            `switcher-medium: Node reads ${p}, which dom0's rootfs does not have`,
            "install nodejs with its Recommends-free dependencies (apt pulls them in)",
          );
        return r;
      },
    );
    const files = [...closure, ...builtins];
    const tree = join(ctx.out, "tree");
    const { paths: ship, bytes: runtimeBytes } = await writeDom0Lacks({ tar, index, files, bodies, pruned, tree });
    const dir = join(ctx.out, SWITCHER_DIR);
    const image = join(dir, RUNTIME_IMAGE);
    await mkdir(dir, { recursive: true });
    await ctx.exec([
      ...mksquashfsArgv({ which: "rootfs", level: o.level, epoch: o.epoch }, { tree, image }),
      "-all-root",
    ]);
    await rm(tree, { recursive: true });
    const imageBytes = (await stat(image)).size;
    const bundle = await bundleSwitcher(dir);
    const terminfo = await readdir(join(dir, "usr"));
    ctx.log(
      `switcher bundle ${kib(bundle.bytes)} (+ ${terminfo.length} terminfo files); Node runtime: ${ship.length} files the pruned dom0 lacks, ${mib(runtimeBytes)} → ${RUNTIME_IMAGE} ${mib(imageBytes)}`,
    );
    return {
      bundleBytes: bundle.bytes,
      runtimeFiles: ship.length,
      runtimeBytes,
      imageBytes,
      builtins: builtins.map((b) => b.path).join(" "),
    };
  },
});

const kib = (n: number) => `${(n / 1024).toFixed(0)} KiB`;
const mib = (n: number) => `${(n / 2 ** 20).toFixed(1)} MiB`;
