import { mkdir, readdir, readFile, stat, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { scratch } from "../../helpers/scratch.ts";
import { CHROOT_MOUNTS, cleanRootfs, inTree, mountsUnder, syncDebs } from "../../../src/tools/chroot.ts";

const tmp = scratch("livedeck-chroot-");

async function tree(files: Record<string, string>): Promise<string> {
  const root = await tmp();
  for (const [p, body] of Object.entries(files)) {
    await mkdir(join(root, p, ".."), { recursive: true });
    await writeFile(join(root, p), body);
  }
  return root;
}

const exists = (p: string) =>
  stat(p).then(
    () => true,
    () => false,
  );

describe("chroot helpers", () => {
  it("mounts fresh kernel filesystems only, never a bind of a host path", () => {
    expect(CHROOT_MOUNTS.map((m) => m.dir)).toEqual(["proc", "sys", "dev/pts", "dev/shm"]);
    for (const m of CHROOT_MOUNTS) {
      expect(m.argv.join(" ")).not.toMatch(/bind|rbind/);
      expect(m.argv[0]).toBe("-t");
    }
    expect(CHROOT_MOUNTS.find((m) => m.dir === "sys")?.argv.join(" ")).toContain("ro,");
  });

  it("finds no mounts under a plain directory, and /proc at /proc", async () => {
    expect(await mountsUnder(await tmp())).toEqual([]);
    expect(await mountsUnder("/proc")).toContain("/proc");
  });

  it("cleans what makes a tree unreproducible and keeps apt's lock files and the system", async () => {
    const root = await tree({
      "var/log/dpkg.log": "x",
      "var/log/apt/history.log": "x",
      "var/lib/apt/lists/deb.debian.org_dists_bookworm_InRelease": "x",
      "var/lib/apt/lists/lock": "",
      "var/lib/apt/lists/partial/p": "x",
      "var/cache/apt/archives/hello.deb": "x",
      "var/cache/apt/archives/lock": "",
      "var/cache/apt/pkgcache.bin": "x",
      "var/cache/apt/keep": "x",
      "run/lock/x": "",
      "run/pid": "1",
      "tmp/livedeck-script": "#!/bin/sh",
      "etc/machine-id": "0123456789abcdef",
      "etc/motd": "hi",
    });
    await cleanRootfs(root);
    expect(await readdir(join(root, "var/lib/apt/lists"))).toEqual(["lock", "partial"]);
    expect(await readdir(join(root, "var/lib/apt/lists/partial"))).toEqual([]);
    expect(await readdir(join(root, "var/cache/apt/archives"))).toEqual(["lock"]);
    expect((await readdir(join(root, "var/cache/apt"))).sort()).toEqual(["archives", "keep"]);
    expect(await readdir(join(root, "run"))).toEqual(["lock"]);
    expect(await readdir(join(root, "tmp"))).toEqual([]);
    expect(await exists(join(root, "var/log/dpkg.log"))).toBe(false);
    expect(await exists(join(root, "var/log/apt/history.log"))).toBe(false);
    expect(await readFile(join(root, "etc/machine-id"), "utf8")).toBe("");
    expect(await readFile(join(root, "etc/motd"), "utf8")).toBe("hi");
  });

  it("never leads outside the tree through a symlink", async () => {
    const outside = await tree({ "dpkg.log": "host's", "run/pid": "1" });
    const root = await tree({ "etc/motd": "hi", "tmp/x": "" });
    await symlink(outside, join(root, "var"));
    await symlink(join(outside, "run"), join(root, "run"));
    expect(await inTree(root, "etc/motd")).toBe(join(root, "etc/motd"));
    expect(await inTree(root, "etc/new/deeper")).toBe(join(root, "etc/new/deeper"));
    expect(await inTree(root, "var/log/dpkg.log")).toBeNull();
    expect(await inTree(root, "var")).toBeNull();
    await cleanRootfs(root);
    expect(await readFile(join(outside, "dpkg.log"), "utf8")).toBe("host's");
    expect(await readdir(join(outside, "run"))).toEqual(["pid"]);
    expect(await readdir(join(root, "tmp"))).toEqual([]);
  });

  it("syncs only the .debs the other side lacks, and reports how many", async () => {
    const cache = await tree({ "a.deb": "A", "b.deb": "B", "notes.txt": "" });
    const archives = join(await tree({ "archives/b.deb": "old B" }), "archives");
    expect(await syncDebs(cache, archives)).toBe(1);
    expect((await readdir(archives)).sort()).toEqual(["a.deb", "b.deb"]);
    expect(await readFile(join(archives, "b.deb"), "utf8")).toBe("old B");
    await writeFile(join(archives, "c.deb"), "C");
    expect(await syncDebs(archives, cache)).toBe(1);
    expect(await readFile(join(cache, "c.deb"), "utf8")).toBe("C");
    expect(await syncDebs(join(cache, "missing"), archives)).toBe(0);
  });
});
