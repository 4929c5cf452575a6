import { execa } from "execa";
import { createWriteStream } from "node:fs";
import {
  chmod,
  chown,
  link,
  lstat,
  mkdir,
  mkdtemp,
  readFile,
  readlink,
  rm,
  symlink,
  writeFile,
} from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { overlayEntries, walkTree } from "../../src/formats/cpio-tree.ts";
import { writeCpio } from "../../src/formats/cpio.ts";
import { requireTools } from "../../src/tools/doctor.ts";

const EPOCH = 1_735_689_600;
const BIG = Buffer.alloc(3 * 1024 * 1024 + 5, 0).map((_, i) => (i * 7919) % 251); // streamed, not read whole

/** A tree with what a rootfs holds: owners, setuid, devices, symlinks, hard links, a big file. */
async function makeTree(root: string): Promise<void> {
  for (const d of ["dev", "etc", "usr/bin", "var/empty"]) await mkdir(join(root, d), { recursive: true });
  await execa("mknod", ["-m", "666", join(root, "dev/null"), "c", "1", "3"]);
  await execa("mknod", ["-m", "660", join(root, "dev/loop0"), "b", "7", "0"]);
  await execa("mkfifo", ["-m", "600", join(root, "dev/initctl")]);
  await writeFile(join(root, "etc/hostname"), "livedeck\n");
  await writeFile(join(root, "etc/shadow"), "root:*:19000::::::\n", { mode: 0o640 });
  await chown(join(root, "etc/shadow"), 0, 42);
  await writeFile(join(root, "usr/bin/su"), "#!/bin/sh\necho su\n");
  await chmod(join(root, "usr/bin/su"), 0o4755);
  await writeFile(join(root, "usr/bin/xenstore"), "multi-call\n", { mode: 0o755 });
  await link(join(root, "usr/bin/xenstore"), join(root, "usr/bin/xenstore-read"));
  await link(join(root, "usr/bin/xenstore"), join(root, "usr/bin/xenstore-write"));
  await symlink("usr/bin", join(root, "bin"));
  await symlink("/nonexistent/target", join(root, "usr/bin/dangling"));
  await writeFile(join(root, "usr/bin/big"), BIG);
  await writeFile(join(root, "etc/empty"), "");
  await mkdir(join(root, "home/user"), { recursive: true, mode: 0o700 });
  await chown(join(root, "home/user"), 1000, 1000);
}

describe("cpio newc writer against GNU cpio", () => {
  let tmp: string;
  let archive: string;
  let listing: string;
  const src = () => join(tmp, "src");
  const dst = () => join(tmp, "dst");

  beforeAll(async () => {
    await requireTools(["cpio"], "the cpio writer tests");
    tmp = await mkdtemp(join(tmpdir(), "livedeck-cpio-"));
    await makeTree(src());
    await mkdir(join(tmp, "skel/usr/lib/livedeck"), { recursive: true });
    await writeFile(join(tmp, "skel/init"), "#!/bin/sh\n", { mode: 0o775 });
    await mkdir(join(tmp, "skel/etc"));
    await writeFile(join(tmp, "skel/etc/hostname"), "skel\n", { mode: 0o664 });
    const entries = overlayEntries(
      await walkTree(src()),
      await walkTree(join(tmp, "skel"), { normalize: true }),
    );
    archive = join(tmp, "a.cpio");
    const bytes = await writeCpio(entries, createWriteStream(archive), { mtime: EPOCH });
    expect((await lstat(archive)).size).toBe(bytes);
    listing = (await execa("cpio", ["-t", "-v", "--numeric-uid-gid", "--quiet", "-F", archive])).stdout;
    await mkdir(dst());
    await execa("cpio", ["-i", "-d", "-m", "--no-absolute-filenames", "--quiet", "-F", archive], {
      cwd: dst(),
    });
  });
  afterAll(async () => {
    if (tmp) await rm(tmp, { recursive: true, force: true });
  });

  it("lists modes, numeric owners, devices, links and the fixed date (cpio -tv)", () => {
    const line = (name: string) =>
      listing.split("\n").find((l) => l.endsWith(` ${name}`) || l.includes(` ${name} -> `));
    expect(line("usr/bin/su")).toMatch(/^-rwsr-xr-x +1 0 +0 +18 Jan  1  2025 usr\/bin\/su$/);
    expect(line("dev/null")).toMatch(/^crw-rw-rw- +1 0 +0 +1, +3 Jan  1  2025 dev\/null$/);
    expect(line("dev/loop0")).toMatch(/^brw-rw---- +1 0 +0 +7, +0 /);
    expect(line("dev/initctl")).toMatch(/^prw------- /);
    expect(line("bin")).toMatch(/^lrwxrwxrwx +1 0 +0 +7 .* bin -> usr\/bin$/);
    expect(line("etc/shadow")).toMatch(/^-rw-r----- +1 0 +42 /);
    expect(line("home/user")).toMatch(/^drwx------ +2 1000 +1000 /);
    for (const n of ["xenstore", "xenstore-read", "xenstore-write"])
      expect(line(`usr/bin/${n}`)).toMatch(/^-rwxr-xr-x +3 /);
    expect(line("init")).toMatch(/^-rwxr-xr-x +1 0 +0 +10 /);
  });

  it("lists entries sorted, parents before children", () => {
    const names = listing.split("\n").map((l) => l.split(" -> ")[0]!.split(" ").pop()!);
    expect(names).toEqual([...names].sort());
    expect(names.indexOf("usr")).toBeLessThan(names.indexOf("usr/bin"));
  });

  it("extracts (cpio -idm) to the same bytes, modes, owners, devices and link targets", async () => {
    const want = new Map((await walkTree(src())).map((e) => [e.path, e]));
    for (const d of ["usr/lib", "usr/lib/livedeck"])
      want.set(d, { path: d, mode: 0o040755, uid: 0, gid: 0, size: 0 });
    want.set("init", { path: "init", mode: 0o100755, uid: 0, gid: 0, size: 10 });
    want.set("etc/hostname", { path: "etc/hostname", mode: 0o100644, uid: 0, gid: 0, size: 5 });
    const got = new Map((await walkTree(dst())).map((e) => [e.path, e]));
    expect([...got.keys()].sort()).toEqual([...want.keys()].sort());
    for (const [p, w] of want) {
      const g = got.get(p)!;
      expect({ p, mode: g.mode, uid: g.uid, gid: g.gid, rdev: g.rdev, target: g.target }).toEqual({
        p,
        mode: w.mode,
        uid: w.uid,
        gid: w.gid,
        rdev: w.rdev,
        target: w.target,
      });
    }
    expect(await readFile(join(dst(), "usr/bin/big"))).toEqual(BIG);
    expect(await readFile(join(dst(), "etc/hostname"), "utf8")).toBe("skel\n");
    expect(await readlink(join(dst(), "usr/bin/dangling"))).toBe("/nonexistent/target");
    expect((await lstat(join(dst(), "etc/empty"))).size).toBe(0);
    expect((await lstat(join(dst(), "usr/bin/su"))).mtimeMs).toBe(EPOCH * 1000);
  });

  it("restores hard links as one inode with the data", async () => {
    const [a, b, c] = await Promise.all(
      ["xenstore", "xenstore-read", "xenstore-write"].map((n) => lstat(join(dst(), "usr/bin", n))),
    );
    expect(a!.ino).toBe(b!.ino);
    expect(a!.ino).toBe(c!.ino);
    expect(a!.nlink).toBe(3);
    expect(await readFile(join(dst(), "usr/bin/xenstore-read"), "utf8")).toBe("multi-call\n");
  });
});
