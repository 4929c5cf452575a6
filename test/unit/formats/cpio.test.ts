import { describe, expect, it } from "vitest";
import {
  S_IFDIR,
  S_IFLNK,
  S_IFREG,
  cpioChunks,
  layoutEntries,
  newcHeader,
  newcTrailer,
  pad4,
  type CpioEntry,
  type NewcHeader,
} from "../../../src/formats/cpio.ts";

const H: NewcHeader = {
  ino: 1,
  mode: S_IFREG | 0o644,
  uid: 0,
  gid: 0,
  nlink: 1,
  mtime: 0x677485c0,
  filesize: 5,
  devmajor: 0,
  devminor: 0,
  rdevmajor: 0,
  rdevminor: 0,
};

/** Reads an archive back: the fields a test needs, checking magic and alignment as it goes. */
function parse(buf: Buffer) {
  const out: { name: string; h: number[]; data: Buffer }[] = [];
  let off = 0;
  for (;;) {
    expect(off % 4).toBe(0);
    expect(buf.toString("ascii", off, off + 6)).toBe("070701");
    const h = Array.from({ length: 13 }, (_, i) =>
      parseInt(buf.toString("ascii", off + 6 + i * 8, off + 14 + i * 8), 16),
    );
    const namesize = h[11]!;
    const name = buf.toString("utf8", off + 110, off + 110 + namesize - 1);
    expect(buf[off + 110 + namesize - 1]).toBe(0);
    off += 110 + namesize;
    off += pad4(off);
    const data = buf.subarray(off, off + h[6]!);
    off += h[6]! + pad4(h[6]!);
    out.push({ name, h, data });
    if (name === "TRAILER!!!") break;
  }
  expect(off).toBe(buf.length);
  return out;
}

async function archive(entries: CpioEntry[], mtime = 1735689600): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of cpioChunks(entries, { mtime })) chunks.push(c);
  return Buffer.concat(chunks);
}

describe("newc header", () => {
  it("writes the 13 fields as 8 hex digits after the magic, then the name and its NUL", () => {
    const b = newcHeader(H, "a");
    expect(b.toString("ascii", 0, 110)).toBe(
      "070701" +
        "00000001" +
        "000081a4" +
        "00000000" +
        "00000000" +
        "00000001" +
        "677485c0" +
        "00000005" +
        "00000000" +
        "00000000" +
        "00000000" +
        "00000000" +
        "00000002" +
        "00000000",
    );
    expect(b.length).toBe(112); // 110 + "a\0", already aligned
  });

  it.each([
    ["a", 112],
    ["ab", 116],
    ["abc", 116],
    ["abcd", 116],
    ["abcde", 116],
    ["abcdef", 120],
  ])("pads header+name %j to %i bytes", (name, len) => {
    const b = newcHeader(H, name);
    expect(b.length).toBe(len);
    expect(b.subarray(110 + name.length)).toEqual(Buffer.alloc(len - 110 - name.length));
  });

  it("counts the name in bytes, not characters", () => {
    expect(newcHeader(H, "é").toString("ascii", 94, 102)).toBe("00000003");
  });

  it("refuses values that do not fit 32 bits", () => {
    expect(() => newcHeader({ ...H, filesize: 2 ** 32 }, "big")).toThrow(
      "filesize 4294967296 does not fit newc",
    );
    expect(() => newcHeader({ ...H, uid: -1 }, "neg")).toThrow("uid -1");
  });

  it("ends with TRAILER!!! and nlink 1", () => {
    const t = newcTrailer();
    expect(t.toString("ascii", 110, 120)).toBe("TRAILER!!!");
    expect(t.toString("ascii", 38, 46)).toBe("00000001");
    expect(t.length % 4).toBe(0);
  });

  it.each([
    [0, 0],
    [1, 3],
    [2, 2],
    [3, 1],
    [4, 0],
    [113, 3],
  ])("pad4(%i) = %i", (n, p) => expect(pad4(n)).toBe(p));
});

const file = (path: string, text: string, extra: Partial<CpioEntry> = {}): CpioEntry => ({
  path,
  mode: S_IFREG | 0o644,
  uid: 0,
  gid: 0,
  data: Buffer.from(text),
  ...extra,
});
const dir = (path: string): CpioEntry => ({ path, mode: S_IFDIR | 0o755, uid: 0, gid: 0 });

describe("layout", () => {
  it("sorts by path so parents come first, numbers inodes in that order, stamps one mtime", () => {
    const l = layoutEntries([file("b/x", "1"), dir("b"), dir("a"), file("a-c", "2")], { mtime: 42 });
    expect(l.map((e) => e.path)).toEqual(["a", "a-c", "b", "b/x"]);
    expect(l.map((e) => e.header.ino)).toEqual([1, 2, 3, 4]);
    expect(new Set(l.map((e) => e.header.mtime))).toEqual(new Set([42]));
  });

  it("gives directories nlink 2 + subdirectories", () => {
    const l = layoutEntries([dir("d"), dir("d/e"), dir("d/f"), file("d/g", "")], { mtime: 0 });
    expect(l.find((e) => e.path === "d")!.header.nlink).toBe(4);
    expect(l.find((e) => e.path === "d/e")!.header.nlink).toBe(2);
  });

  it("shares one inode among hard links and puts the data on the last one only", () => {
    const l = layoutEntries(
      [file("z", "data", { link: "k" }), file("m", "data", { link: "k" }), file("a", "other")],
      { mtime: 0 },
    );
    const [a, m, z] = l;
    expect([a!.path, m!.path, z!.path]).toEqual(["a", "m", "z"]);
    expect(m!.header.ino).toBe(z!.header.ino);
    expect(a!.header.ino).not.toBe(m!.header.ino);
    expect([m!.header.nlink, z!.header.nlink]).toEqual([2, 2]);
    expect([m!.header.filesize, z!.header.filesize]).toEqual([0, 4]);
    expect(m!.data).toBeUndefined();
  });

  it("stores a symlink's target as its data and device numbers in rdev", () => {
    const l = layoutEntries(
      [
        { path: "l", mode: S_IFLNK | 0o777, uid: 0, gid: 0, target: "../t" },
        { path: "null", mode: 0o020666, uid: 0, gid: 0, rdev: { major: 1, minor: 3 } },
      ],
      { mtime: 0 },
    );
    expect(l[0]!.header.filesize).toBe(4);
    expect(l[0]!.data).toEqual(Buffer.from("../t"));
    expect([l[1]!.header.rdevmajor, l[1]!.header.rdevminor, l[1]!.header.filesize]).toEqual([1, 3, 0]);
  });

  it.each(["/abs", "./x", "a//b", "a/../b", "", "a/."])("refuses the path %j", (p) => {
    expect(() => layoutEntries([file(p, "")], { mtime: 0 })).toThrow("cpio: bad entry path");
  });

  it("refuses duplicate paths", () => {
    expect(() => layoutEntries([file("x", "1"), file("x", "2")], { mtime: 0 })).toThrow(
      "cpio: duplicate entry x",
    );
  });
});

describe("archive", () => {
  it("writes every entry, 4-byte aligned, data in place, and the trailer", async () => {
    const buf = await archive([
      dir("etc"),
      file("etc/hostname", "livedeck\n"),
      file("init", "#!/bin/sh\n", { mode: S_IFREG | 0o755 }),
    ]);
    const entries = parse(buf);
    expect(entries.map((e) => e.name)).toEqual(["etc", "etc/hostname", "init", "TRAILER!!!"]);
    expect(entries[1]!.data.toString()).toBe("livedeck\n");
    expect(entries[2]!.h[1]).toBe(S_IFREG | 0o755);
    expect(entries[2]!.h[5]).toBe(1735689600);
  });

  it("is byte-identical whatever the input order", async () => {
    const es = [dir("a"), file("a/1", "x"), file("b", "yy", { link: "k" }), file("c", "yy", { link: "k" })];
    expect(await archive([...es].reverse())).toEqual(await archive(es));
  });

  it("fails when a file's size changed since it was listed", async () => {
    const e: CpioEntry = {
      path: "f",
      mode: S_IFREG | 0o644,
      uid: 0,
      gid: 0,
      data: { file: import.meta.filename, size: 3 },
    };
    await expect(archive([e])).rejects.toThrow("changed while archiving");
  });
});
