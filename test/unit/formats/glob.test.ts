import { describe, expect, it } from "vitest";
import { compileGlobs, globEscape, globToRegExpSource } from "../../../src/formats/glob.ts";

const cases: [glob: string, path: string, matches: boolean][] = [
  ["usr/share/doc/**", "usr/share/doc/bash/copyright", true],
  ["usr/share/doc/**", "usr/share/doc/x", true],
  ["usr/share/doc/**", "usr/share/doc", false],
  ["usr/share/doc/**", "usr/share/docs/x", false],
  ["**/__pycache__", "__pycache__", true],
  ["**/__pycache__", "usr/lib/python3/x/__pycache__", true],
  ["**/*.py[co]", "a/b.pyc", true],
  ["**/*.py[co]", "a/b.py", false],
  ["usr/share/doc/*/copyright", "usr/share/doc/bash/copyright", true],
  ["usr/share/doc/*/copyright", "usr/share/doc/a/b/copyright", false],
  ["boot/initrd.img*", "boot/initrd.img-6.1.0-56-amd64", true],
  ["boot/initrd.img*", "boot/vmlinuz-6.1.0-56-amd64", false],
  ["file?.txt", "file1.txt", true],
  ["file?.txt", "file/.txt", false],
  ["[!a]*", "bcd", true],
  ["[!a]*", "abc", false],
  ["usr/share/{doc,man}/**", "usr/share/man/man1/ls.1.gz", true],
  ["usr/share/{doc,man}/**", "usr/share/info/x", false],
  ["lib/{libnode,libicu*}.so*", "lib/libicudata.so.72.1", true],
  ["/etc/motd", "etc/motd", true],
  ["./etc/motd", "etc/motd", true],
  ["a.b", "axb", false],
  ["a+b(c)", "a+b(c)", true],
];

describe("globs", () => {
  it.each(cases)("%j on %j → %s", (glob, path, matches) => {
    expect(compileGlobs([glob])(path)).toBe(matches);
  });

  it("matches any of several globs, none when the list is empty", () => {
    const m = compileGlobs(["a/**", "b"]);
    expect([m("a/x"), m("b"), m("c")]).toEqual([true, true, false]);
    expect(compileGlobs([])("anything")).toBe(false);
  });

  it("escapes a literal path so it matches only itself", () => {
    const p = "odd/[x]{y,z}*?.ko";
    expect(compileGlobs([globEscape(p)])(p)).toBe(true);
    expect(compileGlobs([globEscape(p)])("odd/x{y,z}ab.ko")).toBe(false);
  });

  it("reports an unbalanced brace", () => {
    expect(() => globToRegExpSource("usr/{doc")).toThrow(`unbalanced '{' in glob "usr/{doc"`);
  });
});
