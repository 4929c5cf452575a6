import { execa } from "execa";
import { mkdir, mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import layer from "../../src/stages/layer.ts";
import rootfs from "../../src/stages/rootfs.ts";
import { HOST_KEY_DROPIN, HOST_KEY_DROPIN_TEXT } from "../../src/stages/host-keys.ts";
import { mountsUnder } from "../../src/tools/chroot.ts";
import { ROOT } from "../helpers/cli.ts";
import { runStage } from "../helpers/stage-ctx.ts";

const DEBS = join(ROOT, ".store-test-debs");
const MIRROR = "/etc/apt/sources.list.d/debian.sources";
const OPTS = { suite: "bookworm", mirror: MIRROR, packages: ["openssh-server"], epoch: 1_700_000_000 };

describe("a layer with openssh-server (real mmdebstrap)", () => {
  let dir: string;
  let base: string;
  let first: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "livedeck-hostkeys-"));
    await mkdir(DEBS, { recursive: true });
    base = (
      await runStage(rootfs, { suite: "bookworm", mirror: MIRROR, epoch: OPTS.epoch }, { dir, debs: DEBS })
    ).out;
    first = (await runStage(layer, OPTS, { dir, debs: DEBS, inputs: { base } })).out;
  });
  afterAll(async () => {
    if (dir && (await mountsUnder(dir)).length === 0) await rm(dir, { recursive: true, force: true });
  });

  it("bakes in no host keys, but the drop-in that makes them on ssh.service's first start", async () => {
    const names = (await execa("tar", ["-tf", join(first, "rootfs.tar")])).stdout.split("\n");
    expect(names).toContain("./usr/sbin/sshd");
    expect(names.filter((n) => n.startsWith("./etc/ssh/ssh_host_"))).toEqual([]);
    const dropin = (await execa("tar", ["-xOf", join(first, "rootfs.tar"), `./${HOST_KEY_DROPIN}`])).stdout;
    expect(`${dropin}\n`).toBe(HOST_KEY_DROPIN_TEXT);
  });

  it("the drop-in's commands work in the layer: keys made, then sshd's config check passes", async () => {
    const tree = join(dir, "tree");
    await mkdir(tree);
    await execa("tar", ["-xf", join(first, "rootfs.tar"), "-C", tree]);
    const cmds = HOST_KEY_DROPIN_TEXT.split("\n")
      .filter((l) => /^ExecStartPre=./.test(l))
      .map((l) => l.slice(13));
    expect(cmds).toEqual(["/usr/bin/ssh-keygen -A", "/usr/sbin/sshd -t"]);
    await execa("mkdir", ["-p", join(tree, "run/sshd")]);
    for (const c of cmds) {
      const r = await execa("chroot", [tree, ...c.split(" ")], { reject: false });
      expect(r.exitCode, `${c}: ${r.stderr}`).toBe(0);
    }
  });

  it("is reproducible: a second build gives the same bytes", async () => {
    const again = (await runStage(layer, OPTS, { dir, debs: DEBS, inputs: { base } })).out;
    for (const f of ["rootfs.tar", "delta.tar"])
      expect((await readFile(join(again, f))).equals(await readFile(join(first, f))), f).toBe(true);
  });
});
