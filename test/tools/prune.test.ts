import { execa } from "execa";
import { lstat, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { UserError } from "../../src/errors.ts";
import prune from "../../src/stages/prune.ts";
import { requireTools } from "../../src/tools/doctor.ts";
import { runStage } from "../helpers/stage-ctx.ts";

const KVER = "6.1.0-99-amd64";
const MOD = `usr/lib/modules/${KVER}`;

/** A rootfs.tar shaped like mmdebstrap's: merged /usr, a kernel's modules dir, docs, a device. */
async function fakeRootfs(dir: string): Promise<string> {
  const t = join(dir, "tree");
  const files: Record<string, string> = {
    "boot/xen-4.17-amd64.gz": "XEN",
    [`boot/vmlinuz-${KVER}`]: "KERNEL",
    [`boot/initrd.img-${KVER}`]: "x".repeat(1000),
    "usr/share/doc/bash/README": "docs",
    "usr/share/doc/bash/copyright": "GPL",
    "usr/share/man/man1/bash.1.gz": "man",
    "usr/bin/bash": "bash",
    "etc/keep.me": "keep",
    "etc/drop.me": "drop",
    [`${MOD}/kernel/sound/snd.ko`]: "not a real module",
    [`${MOD}/modules.dep`]: "kernel/sound/snd.ko:\n",
    [`${MOD}/modules.builtin`]: "kernel/drivers/input/serio/i8042.ko\n",
  };
  for (const [p, body] of Object.entries(files)) {
    await mkdir(join(t, p, ".."), { recursive: true });
    await writeFile(join(t, p), body);
  }
  await symlink("usr/lib", join(t, "lib"));
  await mkdir(join(t, "dev"));
  await execa("mknod", ["-m", "666", join(t, "dev/null"), "c", "1", "3"]);
  await mkdir(join(dir, "rootfs"));
  await execa("tar", ["--create", "--file", join(dir, "rootfs/rootfs.tar"), "--numeric-owner", "-C", t, "."]);
  return join(dir, "rootfs");
}

describe("prune stage with real tar and depmod", () => {
  let tmp: string;
  let rootfs: string;
  let out: string;
  let report: Record<string, string | number>;

  beforeAll(async () => {
    await requireTools(prune.tools, "the prune stage tests");
    tmp = await mkdtemp(join(tmpdir(), "livedeck-prune-"));
    rootfs = await fakeRootfs(tmp);
    const r = await runStage(
      prune,
      { modules: ["i8042"], remove: ["etc/*.me"], keep: ["etc/keep.me"] },
      { dir: tmp, debs: tmp, inputs: { rootfs } },
    );
    out = r.out;
    report = r.report as Record<string, string | number>;
  });
  afterAll(async () => {
    if (tmp) await rm(tmp, { recursive: true, force: true });
  });

  const exists = (p: string) =>
    lstat(join(out, "root", p)).then(
      () => true,
      () => false,
    );

  it("keeps what later stages and dom0 need, devices included", async () => {
    for (const p of [
      "boot/xen-4.17-amd64.gz",
      `boot/vmlinuz-${KVER}`,
      "usr/bin/bash",
      "usr/share/doc/bash/copyright",
      "etc/keep.me",
    ]) {
      expect(await exists(p), p).toBe(true);
    }
    expect((await lstat(join(out, "root/dev/null"))).isCharacterDevice()).toBe(true);
  });

  it("removes what the rules and the deck name, and unused modules", async () => {
    for (const p of [
      `boot/initrd.img-${KVER}`,
      "usr/share/doc/bash/README",
      "usr/share/man/man1/bash.1.gz",
      "etc/drop.me",
      `${MOD}/kernel/sound/snd.ko`,
      `${MOD}/kernel/sound`,
    ]) {
      expect(await exists(p), p).toBe(false);
    }
  });

  it("re-indexes the remaining modules with depmod", async () => {
    expect(await readFile(join(out, "root", MOD, "modules.dep"), "utf8")).toBe("");
    expect(await exists(`${MOD}/modules.dep.bin`)).toBe(true);
  });

  it("reports bytes per rule and sizes before and after", async () => {
    const json = JSON.parse(await readFile(join(out, "prune-report.json"), "utf8"));
    expect(json.kernel).toBe(KVER);
    expect(json.removed["boot-initrd"]).toEqual({ entries: 1, bytes: 1000 });
    expect(json.removed.deck).toEqual({ entries: 1, bytes: 4 });
    expect(json.modulesBuiltin).toEqual(["i8042"]);
    expect(report.bytesBefore).toBeGreaterThan(report.bytesAfter as number);
    expect(report["removed.modules"]).toBe(17);
  });

  it("names kernel modules that do not exist", async () => {
    const run = runStage(
      prune,
      { modules: ["xen-evtchn", "no_such"] },
      { dir: tmp, debs: tmp, inputs: { rootfs } },
    );
    await expect(run).rejects.toThrow(UserError);
    await expect(run).rejects.toThrow(`prune: kernel module(s) not in ${KVER}: xen-evtchn, no_such`);
  });
});
