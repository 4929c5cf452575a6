import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  indexTar,
  normalizePath,
  planDelta,
  treeCompare,
  writeDelta,
  type TarIndex,
} from "../../../src/formats/tar-diff.ts";
import { scratch } from "../../helpers/scratch.ts";
import { entriesOf, readAll, tarOf, type Spec } from "../../helpers/tars.ts";

const EPOCH = 1_500_000_000;
const tmp = scratch("livedeck-diff-");
const dir = (name: string, over: Partial<Spec> = {}): Spec => ({
  name,
  type: "directory",
  mode: 0o755,
  ...over,
});
const file = (name: string, body: string, over: Partial<Spec> = {}): Spec => ({
  name,
  body,
  mode: 0o644,
  ...over,
});
const BASE: Spec[] = [
  dir("./"),
  dir("./etc/"),
  file("./etc/motd", "hello\n"),
  file("./etc/issue", "Debian\n"),
  dir("./usr/"),
  dir("./usr/bin/"),
  file("./usr/bin/perl", "ELF perl"),
  { name: "./usr/bin/perl5.36", type: "link", linkname: "./usr/bin/perl" },
  { name: "./usr/bin/sh", type: "symlink", linkname: "dash" },
  dir("./var/"),
  dir("./var/lib/"),
  file("./var/lib/old", "x"),
  dir("./var/lib/gone/"),
  file("./var/lib/gone/a", "a"),
  dir("./var/lib/gone/b/"),
  file("./var/lib/gone/b/c", "c"),
];

/** Replaces (or with `undefined`, drops) entries of BASE by name; new names are appended. */
function edit(changes: Record<string, Spec | undefined>, extra: Spec[] = []): Spec[] {
  const out = BASE.flatMap((s) => (s.name in changes ? (changes[s.name] ? [changes[s.name]!] : []) : [s]));
  return [...out, ...extra];
}

/** What overlayfs shows for delta over base: whiteouts hide, a non-dir hides what was below. */
function overlay(base: TarIndex, delta: TarIndex): Map<string, string> {
  const view = new Map([...base].map(([p, i]) => [p, i.sig]));
  const dropBelow = (p: string) =>
    [...view.keys()].filter((k) => k.startsWith(`${p}/`)).forEach((k) => view.delete(k));
  for (const [p, i] of delta) {
    const h = i.header;
    if (h.type === "char" && h.devmajor === 0 && h.devminor === 0) {
      view.delete(p);
      dropBelow(p);
    } else {
      if (h.type !== "directory") dropBelow(p);
      view.set(p, i.sig);
    }
  }
  return view;
}

async function diff(baseSpecs: Spec[], layerSpecs: Spec[]) {
  const [baseTar, layerTar] = await Promise.all([tarOf(baseSpecs), tarOf(layerSpecs)]);
  const base = await indexTar(entriesOf(baseTar));
  const layer = await indexTar(entriesOf(layerTar));
  const plan = planDelta(base, layer);
  const out = join(await tmp(), "delta.tar");
  const bytes = await writeDelta(entriesOf(layerTar), plan, out, EPOCH);
  const tar = await readFile(out);
  expect(tar.length).toBe(bytes);
  const delta = await indexTar(entriesOf(tar));
  // The defining property: the delta mounted over the base is the layer.
  expect(overlay(base, delta)).toEqual(new Map([...layer].map(([p, i]) => [p, i.sig])));
  const entries = await readAll(tar);
  return { plan, tar, entries, names: entries.map((e) => e.name) };
}

describe("tree order and names", () => {
  it("normalizes ./ prefixes and trailing slashes; the root is empty", () => {
    expect(["./", ".", "./etc/", "etc", "/etc/motd", "./a/b/"].map(normalizePath)).toEqual([
      "",
      "",
      "etc",
      "etc",
      "etc/motd",
      "a/b",
    ]);
  });

  it("sorts like GNU tar --sort=name: a directory, then its contents, then its next sibling", () => {
    expect(["a.d", "a-c", "a/b", "a", "", "B", "a/b/c"].sort(treeCompare)).toEqual([
      "",
      "B",
      "a",
      "a/b",
      "a/b/c",
      "a-c",
      "a.d",
    ]);
  });
});

describe("delta of two tars", () => {
  it("is empty for the same tree, mtimes aside", async () => {
    const { plan, entries } = await diff(
      BASE,
      edit({ "./etc/motd": file("./etc/motd", "hello\n", { mtime: new Date(5_000) }) }),
    );
    expect(plan).toMatchObject({ added: 0, changed: 0, removed: 0, whiteouts: 0 });
    expect(entries).toEqual([]);
  });

  it("holds a new file with every parent directory, in tree order", async () => {
    const { plan, names } = await diff(BASE, [...BASE, dir("./usr/share/"), file("./usr/share/new", "n")]);
    expect(plan).toMatchObject({ added: 2, changed: 0 });
    expect(names).toEqual(["./", "./usr/", "./usr/share/", "./usr/share/new"]);
  });

  it("keeps a parent directory's own mode and owner (an upper dir's wins in overlayfs)", async () => {
    const { entries } = await diff(
      BASE,
      edit({ "./etc/": dir("./etc/", { mode: 0o750, gid: 4 }) }, [file("./etc/new", "n")]),
    );
    expect(entries.find((e) => e.name === "./etc/")).toMatchObject({
      type: "directory",
      mode: 0o750,
      gid: 4,
    });
  });

  const changes: [string, Spec][] = [
    ["content", file("./etc/motd", "HELLO\n")],
    ["mode", file("./etc/motd", "hello\n", { mode: 0o600 })],
    ["owner", file("./etc/motd", "hello\n", { uid: 1000 })],
    ["xattrs", file("./etc/motd", "hello\n", { pax: { "SCHILY.xattr.user.k": "v" } })],
    ["type (file → symlink)", { name: "./etc/motd", type: "symlink", linkname: "issue" }],
  ];
  for (const [what, spec] of changes) {
    it(`holds a file whose ${what} changed`, async () => {
      const { plan, names } = await diff(BASE, edit({ "./etc/motd": spec }));
      expect(plan).toMatchObject({ added: 0, changed: 1, removed: 0 });
      expect(names).toEqual(["./", "./etc/", "./etc/motd"]);
    });
  }

  it("holds a symlink whose target changed", async () => {
    const { entries } = await diff(
      BASE,
      edit({ "./usr/bin/sh": { name: "./usr/bin/sh", type: "symlink", linkname: "bash" } }),
    );
    expect(entries.at(-1)).toMatchObject({ name: "./usr/bin/sh", type: "symlink", linkname: "bash" });
  });

  it("whites out a removed file: char device 0:0, mode 0, mtime = epoch", async () => {
    const { plan, entries } = await diff(BASE, edit({ "./etc/issue": undefined }));
    expect(plan).toMatchObject({ removed: 1, whiteouts: 1, changed: 0, added: 0 });
    expect(entries.at(-1)).toMatchObject({
      name: "./etc/issue",
      type: "char",
      devmajor: 0,
      devminor: 0,
      mode: 0,
      uid: 0,
      mtime: EPOCH,
    });
  });

  it("whites out only the top of a removed directory", async () => {
    const gone = ["./var/lib/gone/", "./var/lib/gone/a", "./var/lib/gone/b/", "./var/lib/gone/b/c"];
    const { plan, names } = await diff(BASE, edit(Object.fromEntries(gone.map((n) => [n, undefined]))));
    expect(plan).toMatchObject({ removed: 4, whiteouts: 1 });
    expect(names).toEqual(["./", "./var/", "./var/lib/", "./var/lib/gone"]);
  });

  it("replaces a directory by a file without whiteouts below it", async () => {
    const gone = ["./var/lib/gone/a", "./var/lib/gone/b/", "./var/lib/gone/b/c"];
    const { plan, entries } = await diff(
      BASE,
      edit({
        ...Object.fromEntries(gone.map((n) => [n, undefined])),
        "./var/lib/gone/": file("./var/lib/gone", "now a file"),
      }),
    );
    expect(plan).toMatchObject({ changed: 1, removed: 3, whiteouts: 0 });
    expect(entries.at(-1)).toMatchObject({ name: "./var/lib/gone", type: "file", body: "now a file" });
  });

  it("carries a hard link's target along with a new link, as a link", async () => {
    const { entries } = await diff(BASE, [
      ...BASE,
      { name: "./usr/bin/perl-again", type: "link", linkname: "./usr/bin/perl" },
    ]);
    expect(entries.map((e) => [e.name, e.type, e.linkname])).toEqual([
      ["./", "directory", ""],
      ["./usr/", "directory", ""],
      ["./usr/bin/", "directory", ""],
      ["./usr/bin/perl", "file", ""],
      ["./usr/bin/perl-again", "link", "./usr/bin/perl"],
    ]);
  });

  it("treats a changed hard-linked file as changed under both names", async () => {
    const { plan, names } = await diff(
      BASE,
      edit({ "./usr/bin/perl": file("./usr/bin/perl", "ELF perl 2") }),
    );
    expect(plan.changed).toBe(2);
    expect(names.slice(-2)).toEqual(["./usr/bin/perl", "./usr/bin/perl5.36"]);
  });

  it("turns a link that sorts before its target into the file, and the target into a link to it", async () => {
    const { entries } = await diff(BASE, [
      ...BASE,
      file("./usr/bin/zz", "data"),
      { name: "./usr/bin/aa", type: "link", linkname: "./usr/bin/zz" },
    ]);
    expect(entries.slice(-2).map((e) => [e.name, e.type, e.linkname, e.body])).toEqual([
      ["./usr/bin/aa", "file", "", "data"],
      ["./usr/bin/zz", "link", "./usr/bin/aa", ""],
    ]);
  });

  it("sorts entries that arrive out of order (mmdebstrap writes ./dev first)", async () => {
    const dev: Spec[] = [
      dir("./dev/"),
      { name: "./dev/null", type: "character-device", devmajor: 1, devminor: 3, mode: 0o666 },
    ];
    const { names } = await diff(BASE, [...dev, ...BASE, file("./usr/bin/new", "n")]);
    expect(names).toEqual(["./", "./dev/", "./dev/null", "./usr/", "./usr/bin/", "./usr/bin/new"]);
  });

  it("clamps mtimes to the epoch and keeps older ones", async () => {
    const { entries } = await diff(BASE, [
      ...BASE,
      file("./old", "o", { mtime: new Date(1000) }),
      file("./new", "n", { mtime: new Date(2e12) }),
    ]);
    expect(Object.fromEntries(entries.map((e) => [e.name, e.mtime]))).toMatchObject({
      "./old": 1,
      "./new": EPOCH,
    });
  });

  it("writes the same bytes every time", async () => {
    const layer = edit({ "./etc/issue": undefined, "./etc/motd": file("./etc/motd", "x") }, [
      file("./usr/bin/new", "n"),
    ]);
    expect((await diff(BASE, layer)).tar.equals((await diff(BASE, layer)).tar)).toBe(true);
  });

  it("refuses a tar whose hard link points at nothing before it", async () => {
    const bad = await tarOf([{ name: "./a", type: "link", linkname: "./b" }, file("./b", "b")]);
    await expect(indexTar(entriesOf(bad))).rejects.toThrow(/hard link \.\/a to \.\/b/);
  });
});
