import { describe, expect, it } from "vitest";
import { elfDeps } from "../../../src/formats/elf.ts";
import { fakeElf } from "../../helpers/elf.ts";

describe("elfDeps", () => {
  it("reads the interpreter and DT_NEEDED names in file order", () => {
    const elf = fakeElf({ interp: "/lib64/ld-linux-x86-64.so.2", needed: ["libresolv.so.2", "libc.so.6"] });
    expect(elfDeps(elf)).toEqual({
      interp: "/lib64/ld-linux-x86-64.so.2",
      needed: ["libresolv.so.2", "libc.so.6"],
    });
  });

  it("finds nothing to copy in a static executable, and no interpreter in a library", () => {
    expect(elfDeps(fakeElf())).toEqual({ needed: [] });
    expect(elfDeps(fakeElf({ needed: ["ld-linux-x86-64.so.2"] }))).toEqual({
      needed: ["ld-linux-x86-64.so.2"],
    });
  });

  it("refuses what it cannot read, naming the file", () => {
    expect(() => elfDeps(Buffer.from("#!/bin/sh\necho hi\n".padEnd(64)), "usr/bin/busybox")).toThrow(
      "elf: usr/bin/busybox is not an ELF file",
    );
    const elf32 = fakeElf();
    elf32[4] = 1;
    expect(() => elfDeps(elf32, "x")).toThrow("elf: x is not ELF64 little-endian");
    const cut = fakeElf({ interp: "/lib/ld.so" }).subarray(0, 100);
    expect(() => elfDeps(cut, "y")).toThrow(/y: program header 0 past the end/);
  });
});
