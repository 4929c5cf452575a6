import { mkdtemp, open, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { indexHeaders, readBodies, resolveInTree, type HeaderIndex } from "../../../src/formats/tar-tree.ts";
import { TarWriter, type TarHeader } from "../../../src/formats/tar.ts";

const h = (name: string, type: TarHeader["type"], linkname = "", size = 0): TarHeader => ({
  name, type, linkname, size, mode: type === "directory" ? 0o755 : 0o644, uid: 0, gid: 0, mtime: 0, devmajor: 0, devminor: 0, pax: [],
}); // prettier-ignore

// A merged-/usr tree as mmdebstrap writes it.
const HEADERS: TarHeader[] = [
  h("./", "directory"),
  h("./bin", "symlink", "usr/bin"),
  h("./lib", "symlink", "usr/lib"),
  h("./lib64", "symlink", "usr/lib64"),
  h("./usr/", "directory"),
  h("./usr/bin/", "directory"),
  h("./usr/bin/busybox", "file", "", 5),
  h("./usr/bin/bb", "link", "./usr/bin/busybox"),
  h("./usr/bin/up", "symlink", "../lib/x86_64-linux-gnu/libc.so.6"),
  h("./usr/bin/loop1", "symlink", "loop2"),
  h("./usr/bin/loop2", "symlink", "/bin/loop1"),
  h("./usr/lib/", "directory"),
  h("./usr/lib/x86_64-linux-gnu/", "directory"),
  h("./usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2", "file", "", 2),
  h("./usr/lib/x86_64-linux-gnu/libc.so.6", "file", "", 4),
  h("./usr/lib64/", "directory"),
  h("./usr/lib64/ld-linux-x86-64.so.2", "symlink", "/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2"),
];
const index: HeaderIndex = new Map(HEADERS.map((x) => [x.name.replace(/^\.\/?/, "").replace(/\/$/, ""), x]));

describe("resolveInTree", () => {
  it("follows directory symlinks and absolute targets from the tree's root", () => {
    expect(resolveInTree(index, "/lib64/ld-linux-x86-64.so.2")).toEqual({
      path: "usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2",
      data: "usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2",
      via: ["lib64", "usr/lib64/ld-linux-x86-64.so.2", "lib"],
    });
    expect(resolveInTree(index, "/bin/busybox")).toMatchObject({ path: "usr/bin/busybox", via: ["bin"] });
  });

  it("follows relative targets with '..', and reads a hard link's bytes from its target", () => {
    expect(resolveInTree(index, "usr/bin/up")).toMatchObject({
      path: "usr/lib/x86_64-linux-gnu/libc.so.6",
      via: ["usr/bin/up"],
    });
    expect(resolveInTree(index, "/usr/bin/bb")).toEqual({
      path: "usr/bin/bb",
      data: "usr/bin/busybox",
      via: [],
    });
  });

  it("returns null for what is missing and refuses a symlink loop", () => {
    expect(resolveInTree(index, "/bin/nope")).toBeNull();
    expect(resolveInTree(index, "/lib/x86_64-linux-gnu/libm.so.6")).toBeNull();
    expect(() => resolveInTree(index, "/usr/bin/loop1")).toThrow(
      /too many levels of symbolic links resolving \/usr\/bin\/loop1/,
    );
  });
});

describe("indexHeaders and readBodies", () => {
  let dir: string;
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it("index a tarball and read chosen bodies in one pass each", async () => {
    dir = await mkdtemp(join(tmpdir(), "livedeck-tar-tree-"));
    const tar = join(dir, "t.tar");
    const fh = await open(tar, "w");
    const w = new TarWriter(fh);
    const bodies: Record<string, string> = {
      "./usr/bin/busybox": "bbbbb",
      "./usr/lib/x86_64-linux-gnu/libc.so.6": "libc",
      "./usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2": "ld",
    };
    for (const x of HEADERS) await w.add(x, bodies[x.name] ? [Buffer.from(bodies[x.name]!)] : []);
    await w.end();
    await fh.close();

    const got = await indexHeaders(tar);
    expect([...got.keys()]).toEqual([...index.keys()]);
    expect(got.get("lib64")?.linkname).toBe("usr/lib64");
    const read = await readBodies(tar, ["usr/bin/busybox", "usr/lib/x86_64-linux-gnu/libc.so.6"]);
    expect(Object.fromEntries([...read].map(([k, v]) => [k, v.toString()]))).toEqual({
      "usr/bin/busybox": "bbbbb",
      "usr/lib/x86_64-linux-gnu/libc.so.6": "libc",
    });
    await expect(readBodies(tar, ["usr/bin/nope"])).rejects.toThrow(/has no usr\/bin\/nope/);
  });
});
