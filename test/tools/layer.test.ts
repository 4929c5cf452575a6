import { execa } from "execa";
import { createReadStream, existsSync } from "node:fs";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ToolError } from "../../src/errors.ts";
import { indexTar, type TarIndex } from "../../src/formats/tar-diff.ts";
import { readTar } from "../../src/formats/tar.ts";
import layer from "../../src/stages/layer.ts";
import rootfs from "../../src/stages/rootfs.ts";
import script from "../../src/stages/script.ts";
import { mountsUnder } from "../../src/tools/chroot.ts";
import { ROOT } from "../helpers/cli.ts";
import { runStage } from "../helpers/stage-ctx.ts";

// Shared with other tools tests and kept between runs, so a warm run downloads nothing.
const DEBS = join(ROOT, ".store-test-debs");
const MIRROR = "/etc/apt/sources.list.d/debian.sources";
const EPOCH = 1_700_000_000;

const index = (tar: string): Promise<TarIndex> => indexTar(readTar(createReadStream(tar)));
const list = async (tar: string) => (await execa("tar", ["-tvf", tar])).stdout.split("\n");
const names = async (tar: string) => (await execa("tar", ["-tf", tar])).stdout.split("\n");
const sigs = (i: TarIndex) => new Map([...i].map(([p, x]) => [p, x.sig]));

/** The tree a read-only overlayfs mount of delta over base shows, as a path → signature map. */
async function overlayView(dir: string, base: string, delta: string): Promise<Map<string, string>> {
  const [lower, upper, merged] = ["lower", "upper", "merged"].map((d) => join(dir, d)) as [
    string,
    string,
    string,
  ];
  for (const [tar, d] of [
    [base, lower],
    [delta, upper],
  ] as const) {
    await mkdir(d, { recursive: true });
    await execa("tar", ["-xf", tar, "-C", d, "--xattrs", "--xattrs-include=*", "--numeric-owner"]);
  }
  await mkdir(merged);
  await execa("mount", ["-t", "overlay", "overlay", "-o", `lowerdir=${upper}:${lower}`, merged]);
  try {
    const out = join(dir, "merged.tar");
    await execa("tar", ["-cf", out, "--sort=name", "--xattrs", "--numeric-owner", "-C", merged, "."]);
    return sigs(await index(out));
  } finally {
    await execa("umount", [merged]);
  }
}

describe("layer and script stages with real mmdebstrap", () => {
  let dir: string;
  let base: string;
  let hello: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "livedeck-layer-"));
    await mkdir(DEBS, { recursive: true });
    const built = await runStage(
      rootfs,
      { suite: "bookworm", mirror: MIRROR, epoch: EPOCH },
      { dir, debs: DEBS },
    );
    base = built.out;
  });
  afterAll(async () => {
    if (dir && (await mountsUnder(dir)).length === 0) await rm(dir, { recursive: true, force: true });
  });

  it("installs hello on the base: full rootfs.tar, and a delta with only hello and dpkg's state", async () => {
    const r = await runStage(
      layer,
      { suite: "bookworm", mirror: MIRROR, packages: ["hello"], epoch: EPOCH },
      { dir, debs: DEBS, inputs: { base } },
    );
    hello = r.out;
    expect(await names(join(hello, "rootfs.tar"))).toEqual(
      expect.arrayContaining(["./usr/bin/hello", "./usr/bin/apt"]),
    );
    const delta = await names(join(hello, "delta.tar"));
    expect(delta).toContain("./usr/bin/hello");
    expect(delta).toContain("./var/lib/dpkg/status");
    // Everything else is hello's own files or a parent directory of something in the layer.
    const stray = delta.filter(
      (n) => !n.endsWith("/") && !/hello|^\.\/var\/lib\/dpkg\/status(-old)?$/.test(n),
    );
    expect(stray).toEqual([]);
    expect(r.report).toMatchObject({ removed: 0 });
    expect(Number(r.report!.added)).toBeGreaterThan(10);
    expect(Number(r.report!.deltaBytes)).toBeLessThan(2_000_000);
  });

  it("is reproducible: a second build gives the same rootfs.tar and delta.tar bytes", async () => {
    const again = await runStage(
      layer,
      { suite: "bookworm", mirror: MIRROR, packages: ["hello"], epoch: EPOCH },
      { dir, debs: DEBS, inputs: { base } },
    );
    for (const f of ["rootfs.tar", "delta.tar"]) {
      expect((await readFile(join(again.out, f))).equals(await readFile(join(hello, f))), f).toBe(true);
    }
  });

  it("with no packages is the base itself and an empty delta (a flavour that only runs a script)", async () => {
    const r = await runStage(
      layer,
      { suite: "bookworm", mirror: MIRROR, packages: [], epoch: EPOCH },
      { dir, debs: DEBS, inputs: { base } },
    );
    expect((await readFile(join(r.out, "rootfs.tar"))).equals(await readFile(join(base, "rootfs.tar")))).toBe(
      true,
    );
    expect((await execa("tar", ["-tf", join(r.out, "delta.tar")])).stdout).toBe("");
  });

  it("runs a script with the user's env: motd written, issue.net removed as a whiteout, base + delta = result", async () => {
    const sh = "motd.sh";
    const text = 'echo "$GREETING" > /etc/motd\nrm /etc/issue.net\ntest -d /proc/self\n';
    const r = await runStage(
      script,
      { script: sh, text, epoch: EPOCH, env: { GREETING: "hi from livedeck" } },
      { dir, debs: DEBS, inputs: { base: hello, under: hello } },
    );
    const tar = join(r.out, "rootfs.tar");
    expect((await execa("tar", ["-xOf", tar, "./etc/motd"])).stdout).toBe("hi from livedeck");
    expect(existsSync(join(r.out, "root"))).toBe(false);
    const delta = await list(join(r.out, "delta.tar"));
    expect(delta.find((l) => l.endsWith(" ./etc/motd"))).toMatch(/^-rw-r--r-- 0\/0/);
    expect(delta.find((l) => l.endsWith(" ./etc/issue.net"))).toMatch(/^c--------- 0\/0 +0,0 /);
    expect(delta.filter((l) => !l.startsWith("d"))).toHaveLength(2);
    expect(r.report).toMatchObject({ added: 0, changed: 1, removed: 1 });

    const view = await overlayView(join(dir, "ov"), join(hello, "rootfs.tar"), join(r.out, "delta.tar"));
    expect(view).toEqual(sigs(await index(tar)));
    const again = await runStage(
      script,
      { script: sh, text, epoch: EPOCH, env: { GREETING: "hi from livedeck" } },
      { dir, debs: DEBS, inputs: { base: hello, under: hello } },
    );
    expect((await readFile(join(again.out, "rootfs.tar"))).equals(await readFile(tar))).toBe(true);
  });

  it("a script's delta taken against the flavour's base holds the layer's packages too: one image per flavour", async () => {
    const sh = "motd2.sh";
    const text = 'echo "$GREETING" > /etc/motd\nrm /etc/issue.net\n';
    const r = await runStage(
      script,
      { script: sh, text, epoch: EPOCH, env: { GREETING: "one image" } },
      { dir, debs: DEBS, inputs: { base: hello, under: base } },
    );
    const delta = await list(join(r.out, "delta.tar"));
    expect(delta.some((l) => l.endsWith(" ./usr/bin/hello"))).toBe(true);
    expect(delta.some((l) => l.endsWith(" ./etc/motd"))).toBe(true);
    const view = await overlayView(join(dir, "ov-one"), join(base, "rootfs.tar"), join(r.out, "delta.tar"));
    expect(view).toEqual(sigs(await index(join(r.out, "rootfs.tar"))));
  });

  it("hello's delta over the base also mounts as exactly the layer's tree", async () => {
    const view = await overlayView(join(dir, "ov-hello"), join(base, "rootfs.tar"), join(hello, "delta.tar"));
    expect(view).toEqual(sigs(await index(join(hello, "rootfs.tar"))));
  });

  it("a failing script is a ToolError naming the script, with its exit code and stderr, and leaves no mounts", async () => {
    const sh = "fail.sh";
    const text = "echo 'about to fail' >&2\nexit 3\n";
    const err = await runStage(
      script,
      { script: sh, text, epoch: EPOCH },
      { dir, debs: DEBS, inputs: { base, under: base } },
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ToolError);
    const te = err as ToolError;
    expect(te.message).toContain(sh);
    expect(te.exitCode).toBe(3);
    expect(te.stderrTail).toContain("about to fail");
    expect(await mountsUnder(dir)).toEqual([]);
  });
});
