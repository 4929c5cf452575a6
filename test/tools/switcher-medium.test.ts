import { execa } from "execa";
import { mkdir, mkdtemp, rm, stat, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import switcherMedium from "../../src/stages/switcher-medium.ts";
import { requireTools } from "../../src/tools/doctor.ts";
import { fakeElf } from "../helpers/elf.ts";
import { writeRootfsTarWithParents, type RootfsEntry } from "../helpers/tars.ts";
import { runStage } from "../helpers/stage-ctx.ts";

type E = RootfsEntry;

const LIB = "usr/lib/x86_64-linux-gnu";
const BUILTIN = "/usr/share/nodejs/acorn/dist/acorn.js";

/** dom0's rootfs in small: node → libnode (which names a shared builtin) → ICU and libc. */
function rootfs(): E[] {
  const libnode = Buffer.concat([
    fakeElf({ needed: ["libicuuc.so.72", "libc.so.6"] }),
    Buffer.from(`\0${BUILTIN}\0`, "latin1"),
  ]);
  return [
    { name: "./lib", type: "symlink", linkname: "usr/lib" },
    { name: "./lib64", type: "symlink", linkname: "usr/lib64" },
    {
      name: "./usr/bin/node",
      type: "file",
      mode: 0o755,
      body: fakeElf({ interp: "/lib64/ld-linux-x86-64.so.2", needed: ["libnode.so.108", "libc.so.6"] }),
    },
    { name: "./usr/lib64/ld-linux-x86-64.so.2", type: "file", mode: 0o755, body: fakeElf() },
    { name: `./${LIB}/libc.so.6`, type: "file", body: fakeElf() },
    { name: `./${LIB}/libnode.so.108`, type: "file", body: libnode },
    { name: `./${LIB}/libicuuc.so.72`, type: "symlink", linkname: "libicuuc.so.72.1" },
    { name: `./${LIB}/libicuuc.so.72.1`, type: "file", body: fakeElf() },
    { name: `.${BUILTIN}`, type: "file", body: "module.exports = {};\n" },
    { name: "./usr/share/nodejs/other/index.js", type: "file", body: "unused\n" },
  ];
}

describe("switcher-medium stage with real esbuild and mksquashfs, read back with unsquashfs", () => {
  let tmp: string;
  let out: string;
  let report: Record<string, unknown>;

  beforeAll(async () => {
    await requireTools([...switcherMedium.tools, "unsquashfs"], "the switcher-medium stage tests");
    tmp = await mkdtemp(join(tmpdir(), "livedeck-switcher-medium-"));
    const rootfsDir = await writeRootfsTarWithParents(join(tmp, "rootfs"), rootfs());
    // The pruned dom0 kept the loader and libc (and the merged-/usr links), not Node.
    const pruned = join(tmp, "prune");
    await mkdir(join(pruned, "root", LIB), { recursive: true });
    await mkdir(join(pruned, "root", "usr/lib64"), { recursive: true });
    await symlink("usr/lib", join(pruned, "root", "lib"));
    await symlink("usr/lib64", join(pruned, "root", "lib64"));
    await writeFile(join(pruned, "root", LIB, "libc.so.6"), "");
    await writeFile(join(pruned, "root", "usr/lib64/ld-linux-x86-64.so.2"), "");
    const r = await runStage(
      switcherMedium,
      { epoch: 1_700_000_000 },
      { dir: tmp, debs: tmp, inputs: { rootfs: rootfsDir, dom0: pruned } },
    );
    out = r.out;
    report = r.report as Record<string, unknown>;
  }, 120_000);
  afterAll(() => rm(tmp, { recursive: true, force: true }));

  it("packs exactly what the pruned dom0 lacks: node, libnode, ICU with its link, the shared builtin", async () => {
    const { stdout } = await execa("unsquashfs", ["-lls", "-d", "", join(out, "switcher", "node.squashfs")]);
    const lines = stdout.split("\n").filter((l) => /^[-l]/.test(l));
    const names = lines.map((l) => l.split(/\s+/).slice(5).join(" ")).sort();
    expect(names).toEqual([
      "/usr/bin/node",
      `/${LIB}/libicuuc.so.72 -> libicuuc.so.72.1`,
      `/${LIB}/libicuuc.so.72.1`,
      `/${LIB}/libnode.so.108`,
      BUILTIN,
    ]);
    expect(lines.find((l) => l.endsWith("/usr/bin/node"))).toMatch(/^-rwxr-xr-x root\/root /);
    expect(report).toMatchObject({ runtimeFiles: 5, builtins: BUILTIN.slice(1) });
  });

  it("writes the switcher bundle with its terminfo beside the image, and reports its size", async () => {
    const bundle = await stat(join(out, "switcher", "switcher.cjs"));
    expect(report.bundleBytes).toBe(bundle.size);
    expect(bundle.size).toBeGreaterThan(100_000);
    expect((await stat(join(out, "switcher", "usr", "linux"))).size).toBeGreaterThan(0);
  });
});
