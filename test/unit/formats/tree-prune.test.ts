import { describe, expect, it } from "vitest";
import { S_IFDIR, S_IFLNK, S_IFREG } from "../../../src/formats/cpio.ts";
import { planPrune, treeBytes } from "../../../src/formats/tree-prune.ts";

const f = (path: string, size = 100) => ({ path, mode: S_IFREG | 0o644, size });
const d = (path: string) => ({ path, mode: S_IFDIR | 0o755, size: 0 });
const l = (path: string) => ({ path, mode: S_IFLNK | 0o777, size: 0 });

describe("planPrune", () => {
  const rules = [{ name: "docs", remove: ["usr/share/doc/**"] }];

  it("removes directories a rule emptied, deepest first, and keeps the ones with survivors", () => {
    const tree = [
      d("usr"),
      d("usr/share"),
      d("usr/share/doc"),
      d("usr/share/doc/a"),
      d("usr/share/doc/a/ex"),
      f("usr/share/doc/a/ex/1"),
      d("usr/share/doc/b"),
      f("usr/share/doc/b/keep.txt"),
    ];
    const p = planPrune(tree, rules, ["usr/share/doc/b/keep.txt"]);
    expect(p.files).toEqual(["usr/share/doc/a/ex/1"]);
    expect(p.dirs).toEqual(["usr/share/doc/a/ex", "usr/share/doc/a"]);
  });

  it("lets keep globs win over every rule", () => {
    const p = planPrune([f("usr/share/doc/a/README"), f("usr/share/doc/b/README")], rules, [
      "usr/share/doc/a/**",
    ]);
    expect(p.files).toEqual(["usr/share/doc/b/README"]);
  });

  it("treats symlinks as entries, never as the directory they point to", () => {
    const p = planPrune([l("usr/share/doc/link"), d("usr/share/doc")], rules, []);
    expect(p.files).toEqual(["usr/share/doc/link"]);
    expect(p.dirs).toEqual([]);
  });

  it("gives each entry's bytes to the first rule that matches it", () => {
    const two = [...rules, { name: "texts", remove: ["**/*.txt"] }];
    const p = planPrune([f("usr/share/doc/a.txt", 7), f("etc/b.txt", 5)], two, []);
    expect(p.byRule).toEqual({ docs: { entries: 1, bytes: 7 }, texts: { entries: 1, bytes: 5 } });
  });

  it("spares what a rule's except globs name", () => {
    const p = planPrune(
      [f("usr/share/doc/a/copyright"), f("usr/share/doc/a/NEWS")],
      [{ ...rules[0]!, except: ["**/copyright"] }],
      [],
    );
    expect(p.files).toEqual(["usr/share/doc/a/NEWS"]);
  });
});

describe("treeBytes", () => {
  it("counts hard-linked bytes once", () => {
    const t = [
      { path: "a", mode: S_IFREG, uid: 0, gid: 0, size: 10, link: "1:2" },
      { path: "b", mode: S_IFREG, uid: 0, gid: 0, size: 10, link: "1:2" },
      { path: "c", mode: S_IFREG, uid: 0, gid: 0, size: 5 },
    ];
    expect(treeBytes(t)).toBe(15);
  });
});
