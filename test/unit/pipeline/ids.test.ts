import { chmod, mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { canonicalJson, hashPath, sha256, stepId, type IdInputs } from "../../../src/pipeline/ids.ts";

describe("canonicalJson", () => {
  it("does not depend on key order, at any depth", () => {
    const a = { b: 1, a: { y: [1, { q: 1, p: 2 }], x: "s" } };
    const b = { a: { x: "s", y: [1, { p: 2, q: 1 }] }, b: 1 };
    expect(canonicalJson(a)).toBe(canonicalJson(b));
    expect(canonicalJson(a)).toBe('{"a":{"x":"s","y":[1,{"p":2,"q":1}]},"b":1}');
  });

  it("keeps array order and value types", () => {
    expect(canonicalJson([1, 2])).not.toBe(canonicalJson([2, 1]));
    expect(canonicalJson({ a: 1 })).not.toBe(canonicalJson({ a: "1" }));
    expect(canonicalJson({ a: null })).not.toBe(canonicalJson({}));
  });

  it("drops undefined object values, as JSON does", () => {
    expect(canonicalJson({ a: 1, b: undefined })).toBe(canonicalJson({ a: 1 }));
    expect(canonicalJson([undefined])).toBe("[null]");
  });
});

describe("stepId", () => {
  const base: IdInputs = {
    stage: "rootfs",
    version: 1,
    options: { suite: "bookworm", packages: ["a", "b"] },
    files: { "/t/grub.cfg.hbs": "f1" },
    consumes: { rootfs: "c1" },
    tools: { mmdebstrap: "1.3.5-2" },
  };

  it("is stable, short hex, and independent of key order", () => {
    const reordered: IdInputs = {
      tools: { ...base.tools },
      consumes: { ...base.consumes },
      files: { ...base.files },
      options: { packages: ["a", "b"], suite: "bookworm" },
      version: 1,
      stage: "rootfs",
    };
    expect(stepId(base)).toMatch(/^[0-9a-f]{32}$/);
    expect(stepId(reordered)).toBe(stepId(base));
  });

  // Every field the id is made of: changing any one must change the id (STYLE.md "Ids, store, resume").
  it.each<[string, Partial<IdInputs>]>([
    ["stage", { stage: "rootfs2" }],
    ["version", { version: 2 }],
    ["an option value", { options: { suite: "trixie", packages: ["a", "b"] } }],
    ["an option added", { options: { ...(base.options as object), variant: "minbase" } }],
    ["option list order", { options: { suite: "bookworm", packages: ["b", "a"] } }],
    ["a file's content", { files: { "/t/grub.cfg.hbs": "f2" } }],
    ["a file's path", { files: { "/t/other.hbs": "f1" } }],
    ["a file added", { files: { ...base.files, "/t/extra": "f3" } }],
    ["a consumed id", { consumes: { rootfs: "c2" } }],
    ["a consumed role", { consumes: { base: "c1" } }],
    ["a tool version", { tools: { mmdebstrap: "1.4.0-1" } }],
    ["a tool added", { tools: { ...base.tools, zstd: "1.5.4" } }],
  ])("changes with %s", (_, change) => {
    expect(stepId({ ...base, ...change })).not.toBe(stepId(base));
  });
});

describe("hashPath", () => {
  let dir = "";
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "livedeck-ids-"));
    await mkdir(join(dir, "tree/sub"), { recursive: true });
    await writeFile(join(dir, "tree/a"), "alpha");
    await writeFile(join(dir, "tree/sub/b"), "beta");
    await chmod(join(dir, "tree/sub/b"), 0o644);
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it("hashes a file by its bytes and its mode", async () => {
    const before = await hashPath(join(dir, "tree/a"));
    await writeFile(join(dir, "tree/a"), "alphA");
    const edited = await hashPath(join(dir, "tree/a"));
    await chmod(join(dir, "tree/a"), 0o755);
    const executable = await hashPath(join(dir, "tree/a"));
    expect(new Set([before, edited, executable]).size).toBe(3);
    expect(before).not.toBe(sha256("alpha"));
  });

  it("does not follow symlinks: a link is its target path", async () => {
    await symlink("a", join(dir, "tree/link"));
    const first = await hashPath(join(dir, "tree"));
    await rm(join(dir, "tree/link"));
    await symlink("sub/b", join(dir, "tree/link"));
    expect(await hashPath(join(dir, "tree"))).not.toBe(first);
    await symlink("missing", join(dir, "tree/dangling"));
    await expect(hashPath(join(dir, "tree"))).resolves.toMatch(/^[0-9a-f]{64}$/);
  });

  it("hashes a tree the same twice", async () => {
    expect(await hashPath(join(dir, "tree"))).toBe(await hashPath(join(dir, "tree")));
  });

  it.each<[string, (tree: string) => Promise<void>]>([
    ["a nested file's content", (t) => writeFile(join(t, "sub/b"), "BETA")],
    ["a nested file's mode", (t) => chmod(join(t, "sub/b"), 0o755)],
    ["a subdirectory's mode", (t) => chmod(join(t, "sub"), 0o700)],
    ["a file added", (t) => writeFile(join(t, "sub/c"), "")],
    ["a file removed", (t) => rm(join(t, "a"))],
    [
      "a rename",
      async (t) => {
        await rm(join(t, "a"));
        await writeFile(join(t, "a2"), "alpha");
      },
    ],
  ])("of a directory changes with %s", async (_, change) => {
    const before = await hashPath(join(dir, "tree"));
    await change(join(dir, "tree"));
    expect(await hashPath(join(dir, "tree"))).not.toBe(before);
  });
});
