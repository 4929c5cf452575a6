import { execa } from "execa";
import { mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { UserError } from "../../src/errors.ts";
import dom0Initrd from "../../src/stages/dom0-initrd.ts";
import { requireTools } from "../../src/tools/doctor.ts";
import { ROOT } from "../helpers/cli.ts";
import { runStage } from "../helpers/stage-ctx.ts";

const SKEL = join(ROOT, "initrd-skel", "dom0");
const EPOCH = 1_735_689_600;

/** Every file under `dir` that starts with a #! line. */
async function shellScripts(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (!e.isFile()) continue;
    const p = join(e.parentPath, e.name);
    if ((await readFile(p, "utf8")).startsWith("#!/bin/sh")) out.push(p);
  }
  return out.sort();
}

describe("dom0 initrd skeleton scripts", () => {
  beforeAll(() => requireTools(["shellcheck"], "the initrd script lint"));

  it("holds /init and the services it runs", async () => {
    const names = (await shellScripts(SKEL)).map((p) => relative(SKEL, p));
    expect(names).toEqual(
      expect.arrayContaining([
        "init",
        ...["coldplug", "find-medium", "marker", "test-xlinfo", "xen-up"].map((n) => `usr/lib/livedeck/${n}`),
        ...["network-up", "guests-up", "guest-watch", "guest-shell", "test-guests"].map((n) => `usr/lib/livedeck/${n}`),
        ...["params", "params-apply", "guest-extra", "guest-relay", "toram", "net-up", "outside-dhcp"].map(
          (n) => `usr/lib/livedeck/${n}`,
        ),
        "etc/xen/scripts/livedeck-layer",
      ]),
    );
  });

  it("passes shellcheck (POSIX sh)", async () => {
    const r = await execa("shellcheck", ["--shell=sh", "--format=gcc", ...(await shellScripts(SKEL))], {
      reject: false,
    });
    expect(r.stdout).toBe("");
    expect(r.exitCode).toBe(0);
  });

  it("shellcheck does flag a script with a bug (the lint can fail)", async () => {
    const tmp = await mkdtemp(join(tmpdir(), "livedeck-sc-"));
    await writeFile(join(tmp, "bad"), "#!/bin/sh\nfor f in $(ls *.ko); do rm $f; done\n");
    const r = await execa("shellcheck", ["--shell=sh", "--format=gcc", join(tmp, "bad")], { reject: false });
    await rm(tmp, { recursive: true });
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toContain("SC2045");
  });
});

describe("dom0-initrd stage on a small tree", () => {
  let tmp: string;
  let out: string[] = [];
  let report: Record<string, string | number>;

  /** What prune leaves: root/ with /boot, a merged-/usr link, a device node. */
  async function fakeDom0(dir: string, kernels: string[]): Promise<string> {
    const root = join(dir, "root");
    for (const d of ["boot", "dev", "etc", "usr/bin", "usr/lib"])
      await mkdir(join(root, d), { recursive: true });
    await writeFile(join(root, "boot/xen-4.17-amd64.gz"), "XEN");
    await writeFile(join(root, "boot/xen-4.17-amd64.config"), "cfg");
    for (const k of kernels) await writeFile(join(root, `boot/${k}`), `KERNEL ${k}`);
    await writeFile(join(root, "usr/bin/busybox"), "BB", { mode: 0o755 });
    await writeFile(join(root, "etc/hostname"), "debian\n");
    await symlink("usr/bin", join(root, "bin"));
    await execa("mknod", ["-m", "600", join(root, "dev/console"), "c", "5", "1"]);
    return dir;
  }

  beforeAll(async () => {
    await requireTools([...dom0Initrd.tools, "cpio"], "the dom0-initrd stage tests");
    tmp = await mkdtemp(join(tmpdir(), "livedeck-initrd-"));
    const dom0 = await fakeDom0(join(tmp, "dom0"), ["vmlinuz-6.1.0-56-amd64"]);
    for (let i = 0; i < 2; i++) {
      const r = await runStage(
        dom0Initrd,
        { level: 3, epoch: EPOCH, skel: SKEL },
        { dir: tmp, debs: tmp, inputs: { dom0 } },
      );
      out.push(r.out);
      report = r.report as Record<string, string | number>;
    }
  });
  afterAll(async () => {
    if (tmp) await rm(tmp, { recursive: true, force: true });
  });

  const list = async (verbose: boolean) => {
    const cpio = (await execa("zstd", ["-dc", join(out[0]!, "dom0.img")], { encoding: "buffer" })).stdout;
    return (
      await execa("cpio", ["-t", "--quiet", "--numeric-uid-gid", ...(verbose ? ["-v"] : [])], { input: cpio })
    ).stdout.split("\n");
  };

  it("packs the tree and the skeleton, without /boot's files (zstd -dc | cpio -t)", async () => {
    const names = await list(false);
    expect(names).toEqual(
      expect.arrayContaining([
        "bin",
        "boot",
        "dev/console",
        "etc/hostname",
        "init",
        "usr/bin/busybox",
        "usr/lib/livedeck/marker",
      ]),
    );
    expect(names.filter((n) => n.startsWith("boot/"))).toEqual([]);
    expect(names).toEqual([...names].sort());
  });

  it("makes /init an executable owned by root, stamped with the epoch", async () => {
    const init = (await list(true)).find((l) => l.endsWith(" init"));
    expect(init).toMatch(/^-rwxr-xr-x +1 0 +0 +\d+ Jan  1  2025 init$/);
    const dev = (await list(true)).find((l) => l.endsWith(" dev/console"));
    expect(dev).toMatch(/^crw------- +1 0 +0 +5, +1 /);
  });

  it("takes out exactly the hypervisor and the kernel", async () => {
    expect(await readFile(join(out[0]!, "xen.gz"), "utf8")).toBe("XEN");
    expect(await readFile(join(out[0]!, "vmlinuz"), "utf8")).toBe("KERNEL vmlinuz-6.1.0-56-amd64");
    expect((await readdir(out[0]!)).sort()).toEqual(["dom0.img", "vmlinuz", "xen.gz"]);
    expect(report).toMatchObject({ xen: "xen-4.17-amd64.gz", kernel: "vmlinuz-6.1.0-56-amd64", level: 3 });
    expect(report.imgBytes).toBeLessThan(report.cpioBytes as number);
  });

  it("gives identical bytes when built twice", async () => {
    const [a, b] = await Promise.all(out.map((o) => readFile(join(o, "dom0.img"))));
    expect(a!.equals(b!)).toBe(true);
  });

  it("refuses a tree with two kernels, naming them", async () => {
    const dom0 = await fakeDom0(join(tmp, "two"), ["vmlinuz-6.1.0-55-amd64", "vmlinuz-6.1.0-56-amd64"]);
    const run = runStage(
      dom0Initrd,
      { level: 3, epoch: EPOCH, skel: SKEL },
      { dir: tmp, debs: tmp, inputs: { dom0 } },
    );
    await expect(run).rejects.toThrow(UserError);
    await expect(run).rejects.toThrow("expected exactly one vmlinuz-* in");
    await expect(run).rejects.toThrow("found vmlinuz-6.1.0-55-amd64, vmlinuz-6.1.0-56-amd64");
  });
});
