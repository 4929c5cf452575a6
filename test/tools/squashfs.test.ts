import { execa } from "execa";
import { createReadStream } from "node:fs";
import { mkdir, mkdtemp, open, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { diffTarFiles, indexTar } from "../../src/formats/tar-diff.ts";
import { readTar, TarWriter, type TarHeader } from "../../src/formats/tar.ts";
import squashfs from "../../src/stages/squashfs.ts";
import { mountsUnder } from "../../src/tools/chroot.ts";
import { requireTools } from "../../src/tools/doctor.ts";
import { runStage } from "../helpers/stage-ctx.ts";

const EPOCH = 1_700_000_000;

type Entry = Partial<TarHeader> & { name: string; type: TarHeader["type"]; body?: string };

/** A small rootfs tarball with what real ones hold: owners, a setuid file, links, a device, an xattr. */
async function writeTar(path: string, entries: Entry[]): Promise<void> {
  const fh = await open(path, "w");
  const w = new TarWriter(fh);
  for (const e of entries) {
    const body = Buffer.from(e.body ?? "");
    const h: TarHeader = {
      mode: e.type === "directory" ? 0o755 : e.type === "symlink" ? 0o777 : 0o644,
      uid: 0,
      gid: 0,
      mtime: EPOCH - 100,
      linkname: "",
      devmajor: 0,
      devminor: 0,
      pax: [],
      ...e,
      size: body.length,
    };
    await w.add(h, e.type === "file" ? [body] : []);
  }
  await w.end();
  await fh.close();
}

const dir = (name: string, o: Partial<Entry> = {}): Entry => ({ name, type: "directory", ...o });
const file = (name: string, body: string, o: Partial<Entry> = {}): Entry => ({
  name,
  type: "file",
  body,
  ...o,
});
const CAP = Buffer.from("0100000200200000000000000000000000000000", "hex"); // cap_net_raw+ep

const BASE: Entry[] = [
  dir("./"),
  dir("./dev/"),
  { name: "./dev/null", type: "char", mode: 0o666, devmajor: 1, devminor: 3 },
  dir("./etc/"),
  file("./etc/gone", "removed by the layer\n"),
  file("./etc/hostname", "base\n"),
  dir("./home/"),
  dir("./home/user/", { uid: 1000, gid: 1000, mode: 0o700 }),
  file("./home/user/notes", "mine\n", { uid: 1000, gid: 1000 }),
  dir("./usr/"),
  dir("./usr/bin/"),
  file("./usr/bin/tool", "#!/bin/sh\necho tool\n", { mode: 0o4755 }),
  { name: "./usr/bin/tool2", type: "link", linkname: "./usr/bin/tool" },
  { name: "./usr/bin/sh", type: "symlink", linkname: "tool" },
];
const FULL: Entry[] = [
  ...BASE.filter((e) => e.name !== "./etc/gone" && e.name !== "./etc/hostname"),
  file("./etc/hostname", "layer\n"),
  dir("./opt/"),
  dir("./opt/app/"),
  file("./opt/app/run", "run\n", { mode: 0o755 }),
  file("./usr/bin/ping", "ping\n", { mode: 0o755, pax: [["SCHILY.xattr.security.capability", CAP]] }),
].sort((a, b) => (a.name < b.name ? -1 : 1));

const run = (argv: string[]) => execa(argv[0]!, argv.slice(1));

describe("squashfs stage with real mksquashfs", () => {
  let tmp: string;
  const images: Record<string, string[]> = { base: [], delta: [], flat: [] };

  beforeAll(async () => {
    await requireTools([...squashfs.tools, "unsquashfs"], "the squashfs stage tests");
    tmp = await mkdtemp(join(tmpdir(), "livedeck-squashfs-"));
    for (const d of ["base", "full"]) await mkdir(join(tmp, d));
    await writeTar(join(tmp, "base/rootfs.tar"), BASE);
    await writeTar(join(tmp, "full/rootfs.tar"), FULL);
    // The delta exactly as the layer stage writes it.
    await diffTarFiles(
      join(tmp, "base/rootfs.tar"),
      join(tmp, "full/rootfs.tar"),
      join(tmp, "full/delta.tar"),
      EPOCH,
    );
    const build = async (which: "rootfs" | "delta", input: string) => {
      const { out } = await runStage(
        squashfs,
        { which, epoch: EPOCH },
        { dir: tmp, debs: tmp, inputs: { layer: join(tmp, input) } },
      );
      return join(out, "layer.squashfs");
    };
    for (let i = 0; i < 2; i++) {
      images.base!.push(await build("rootfs", "base"));
      images.delta!.push(await build("delta", "full"));
    }
    images.flat!.push(await build("rootfs", "full"));
  });
  afterAll(async () => {
    if (tmp && (await mountsUnder(tmp)).length === 0) await rm(tmp, { recursive: true, force: true });
  });

  it("gives identical bytes when built twice", async () => {
    for (const k of ["base", "delta"]) {
      const [a, b] = await Promise.all(images[k]!.map((p) => readFile(p)));
      expect(a!.equals(b!), k).toBe(true);
    }
  });

  it("lists the base's files with numeric owners, modes, links and devices (unsquashfs -l)", async () => {
    const list = (await run(["unsquashfs", "-lln", images.base![0]!])).stdout;
    expect(list).toMatch(/^crw-rw-rw- 0\/0 +1, +3 2023-11-14 22:1\d squashfs-root\/dev\/null$/m);
    expect(list).toMatch(/^drwx------ 1000\/1000 .* squashfs-root\/home\/user$/m);
    expect(list).toMatch(/^-rwsr-xr-x 0\/0 .* squashfs-root\/usr\/bin\/tool$/m);
    expect(list).toMatch(/^lrwxrwxrwx 0\/0 .* squashfs-root\/usr\/bin\/sh -> tool$/m);
    const names = (await run(["unsquashfs", "-l", images.base![0]!])).stdout.split("\n");
    expect(names).toContain("squashfs-root/usr/bin/tool2");
  });

  it("keeps the delta's whiteout as char 0:0 and only what changed", async () => {
    const list = (await run(["unsquashfs", "-lln", images.delta![0]!])).stdout;
    expect(list).toMatch(/^c--------- 0\/0 +0, +0 .* squashfs-root\/etc\/gone$/m);
    const names = (await run(["unsquashfs", "-l", images.delta![0]!])).stdout
      .split("\n")
      .filter((l) => l.startsWith("squashfs-root/"));
    expect(names.sort()).toEqual(
      [
        "etc",
        "etc/gone",
        "etc/hostname",
        "opt",
        "opt/app",
        "opt/app/run",
        "usr",
        "usr/bin",
        "usr/bin/ping",
      ].map((n) => `squashfs-root/${n}`),
    );
  });

  it("mounted read-only with overlayfs, base + delta shows exactly the flavour's full tree", async () => {
    const m = (d: string) => join(tmp, "mnt", d);
    for (const d of ["base", "delta", "merged"]) await mkdir(m(d), { recursive: true });
    const mounted: string[] = [];
    try {
      for (const k of ["base", "delta"]) {
        await run(["mount", "-t", "squashfs", "-o", "loop,ro", images[k]![0]!, m(k)]);
        mounted.unshift(m(k));
      }
      // What the guest's /init does, without the tmpfs upper: delta over base.
      await run([
        "mount",
        "-t",
        "overlay",
        "overlay",
        "-o",
        `ro,lowerdir=${m("delta")}:${m("base")}`,
        m("merged"),
      ]);
      mounted.unshift(m("merged"));
      const tar = join(tmp, "merged.tar");
      await run([
        "tar",
        "-cf",
        tar,
        "--sort=name",
        "--xattrs",
        "--xattrs-include=*",
        "--numeric-owner",
        "-C",
        m("merged"),
        ".",
      ]);
      const sigs = async (t: string) =>
        new Map([...(await indexTar(readTar(createReadStream(t))))].map(([p, x]) => [p, x.sig]));
      const [merged, full] = await Promise.all([sigs(tar), sigs(join(tmp, "full/rootfs.tar"))]);
      expect(merged).toEqual(full);
      expect(merged.get("usr/bin/ping")).toMatch(/security\.capability/);
    } finally {
      for (const d of mounted) await run(["umount", d]);
    }
  });
});
