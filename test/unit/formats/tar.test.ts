import { open, readFile } from "node:fs/promises";
import { join } from "node:path";
import { extract } from "tar-stream";
import { describe, expect, it } from "vitest";
import { encodeHeader, parsePax } from "../../../src/formats/tar-header.ts";
import { TarWriter, type TarHeader } from "../../../src/formats/tar.ts";
import { scratch } from "../../helpers/scratch.ts";
import { entriesOf, readAll, tarOf } from "../../helpers/tars.ts";

const tmp = scratch("livedeck-tar-");
const CAP = Buffer.from("0100000200200000ff80000000000000000000", "hex"); // binary, not UTF-8

function header(name: string, over: Partial<TarHeader> = {}): TarHeader {
  return {
    name,
    type: "file",
    mode: 0o644,
    uid: 0,
    gid: 0,
    size: 0,
    mtime: 1,
    linkname: "",
    devmajor: 0,
    devminor: 0,
    pax: [],
    ...over,
  };
}

async function write(entries: [TarHeader, string?][]): Promise<Buffer> {
  const path = join(await tmp(), "t.tar");
  const fh = await open(path, "w");
  const w = new TarWriter(fh);
  for (const [h, body] of entries)
    await w.add({ ...h, size: Buffer.byteLength(body ?? "") }, body ? [Buffer.from(body)] : undefined);
  await w.end();
  await fh.close();
  return readFile(path);
}

describe("tar reader", () => {
  it("reads what tar-stream writes: types, modes, owners, devices, links, long names", async () => {
    const long = `./${"d".repeat(120)}/${"f".repeat(90)}`;
    const all = await readAll(
      await tarOf([
        { name: "./", type: "directory", mode: 0o755 },
        { name: "./etc/motd", body: "hi\n", mode: 0o640, uid: 1000, gid: 50 },
        { name: "./bin", type: "symlink", linkname: "usr/bin" },
        { name: "./dev/null", type: "character-device", devmajor: 1, devminor: 3, mode: 0o666 },
        { name: "./etc/hard", type: "link", linkname: "./etc/motd" },
        { name: long, body: "x" },
        { name: "./fifo", type: "fifo" },
      ]),
    );
    expect(all.map((e) => [e.name, e.type])).toEqual([
      ["./", "directory"],
      ["./etc/motd", "file"],
      ["./bin", "symlink"],
      ["./dev/null", "char"],
      ["./etc/hard", "link"],
      [long, "file"],
      ["./fifo", "fifo"],
    ]);
    expect(all[1]).toMatchObject({
      mode: 0o640,
      uid: 1000,
      gid: 50,
      size: 3,
      mtime: 1_000_000_000,
      body: "hi\n",
    });
    expect(all[2]?.linkname).toBe("usr/bin");
    expect(all[3]).toMatchObject({ devmajor: 1, devminor: 3, mode: 0o666 });
    expect(all[4]?.linkname).toBe("./etc/motd");
    expect(all[5]?.body).toBe("x");
  });

  it("skips bodies the consumer does not read", async () => {
    const names: string[] = [];
    for await (const { header } of entriesOf(
      await tarOf([
        { name: "a", body: "x".repeat(1000) },
        { name: "b", body: "y" },
      ]),
    ))
      names.push(header.name);
    expect(names).toEqual(["a", "b"]);
  });

  it("parses pax records with binary values", () => {
    const rec = Buffer.concat([
      Buffer.from("39 SCHILY.xattr.security.capability="),
      Buffer.from([0xff, 0x80]),
      Buffer.from("\n"),
    ]);
    expect(parsePax(rec).get("SCHILY.xattr.security.capability")).toEqual(Buffer.from([0xff, 0x80]));
    expect(() => parsePax(Buffer.from("x y"))).toThrow(/bad pax record/);
    expect(() => parsePax(Buffer.from("9 a=b\n"))).toThrow(/bad pax record/); // length off by one
  });

  it("rejects a corrupt header", async () => {
    const buf = await tarOf([{ name: "a", body: "x" }]);
    buf[0] = 0x42;
    await expect(readAll(buf)).rejects.toThrow(/checksum/);
  });
});

describe("tar writer", () => {
  it("round-trips binary xattrs, long names and long link targets byte for byte", async () => {
    const long = `./${"a".repeat(80)}/${"b".repeat(80)}/${"c".repeat(110)}`;
    const buf = await write([
      [header("./usr/bin/ping", { mode: 0o755, pax: [["SCHILY.xattr.security.capability", CAP]] }), "ELF"],
      [header(long), "z"],
      [header("./l", { type: "symlink", linkname: long })],
      [header("./caf\xe9", { uid: 3_000_000 })],
    ]);
    const all = await readAll(buf);
    expect(all[0]?.pax).toEqual([["SCHILY.xattr.security.capability", CAP]]);
    expect(all[0]).toMatchObject({ name: "./usr/bin/ping", mode: 0o755, body: "ELF" });
    expect(all[1]).toMatchObject({ name: long, body: "z" });
    expect(all[2]?.linkname).toBe(long);
    expect(all[3]).toMatchObject({ name: "./caf\xe9", uid: 3_000_000 });
  });

  it("writes archives another reader accepts (tar-stream), with a trailing 1 KiB of zeros", async () => {
    const buf = await write([
      [header("./d/", { type: "directory", mode: 0o755 })],
      [header("./d/f"), "hello"],
    ]);
    expect(buf.length % 512).toBe(0);
    expect(buf.subarray(-1024).every((b) => b === 0)).toBe(true);
    const seen: string[] = [];
    const ex = extract();
    ex.on("entry", (h, stream, next) => {
      seen.push(`${h.name}:${h.type}:${h.size}`);
      stream.on("end", next);
      stream.resume();
    });
    await new Promise((resolve, reject) => {
      ex.on("finish", () => resolve(undefined));
      ex.on("error", reject);
      ex.end(buf);
    });
    expect(seen).toEqual(["./d/:directory:0", "./d/f:file:5"]);
  });

  it("splits 100–255 byte names into ustar prefix + name, and uses pax beyond", () => {
    const mid = `./${"p".repeat(120)}/name`;
    expect(encodeHeader(header(mid)).length).toBe(512);
    expect(encodeHeader(header(`./${"q".repeat(300)}`)).length).toBe(512 * 3);
  });

  it("refuses a body whose size does not match the header", async () => {
    const fh = await open(join(await tmp(), "t.tar"), "w");
    await expect(new TarWriter(fh).add(header("f", { size: 5 }), [Buffer.from("abc")])).rejects.toThrow(
      /body is 3 bytes/,
    );
    await fh.close();
  });
});
