import type { TarHeader, TarType } from "./tar.ts";

/** Tar header blocks and pax records, both ways (ustar + pax; GNU long names read only). */

/** Type flag digit → type; "\0" (pre-POSIX) and "7" (contiguous) are plain files. */
export const TYPE_FLAGS = ["file", "link", "symlink", "char", "block", "directory", "fifo"] as const;
export const TYPES: Record<string, TarType> = {
  ...Object.fromEntries(TYPE_FLAGS.map((t, i) => [String(i), t])),
  "\0": "file",
  "7": "file",
};
/** Pax keys that become header fields, or that we drop because they only make output unstable. */
export const FOLDED = new Set("path linkpath size uid gid mtime atime ctime uname gname".split(" "));

export function field(b: Buffer, off: number, len: number): string {
  const raw = b.subarray(off, off + len);
  const nul = raw.indexOf(0);
  return raw.subarray(0, nul < 0 ? len : nul).toString("latin1");
}

export function num(b: Buffer, off: number, len: number): number {
  if ((b[off] ?? 0) & 0x80) {
    // GNU base-256 for values that do not fit in octal
    let v = (b[off] ?? 0) & 0x7f;
    for (let i = 1; i < len; i++) v = v * 256 + (b[off + i] ?? 0);
    return v;
  }
  const s = field(b, off, len).trim();
  return s ? parseInt(s, 8) : 0;
}

/** Header checksum: the sum of its bytes with the checksum field counted as spaces. */
export function checksum(block: Buffer): number {
  let sum = 0;
  for (let i = 0; i < 512; i++) sum += i >= 148 && i < 156 ? 32 : (block[i] ?? 0);
  return sum;
}

export function parsePax(buf: Buffer): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  let off = 0;
  while (off < buf.length) {
    const sp = buf.indexOf(0x20, off);
    const len = parseInt(buf.subarray(off, sp).toString("latin1"), 10);
    if (sp < 0 || !(len > 0) || buf[off + len - 1] !== 0x0a) throw new Error("tar: bad pax record");
    const rec = buf.subarray(sp + 1, off + len - 1); // without the trailing \n
    const eq = rec.indexOf(0x3d);
    out.set(rec.subarray(0, eq).toString("utf8"), Buffer.from(rec.subarray(eq + 1)));
    off += len;
  }
  return out;
}

function octal(v: number, len: number): string {
  return v.toString(8).padStart(len - 1, "0") + "\0";
}

function paxRecord(key: string, value: Buffer): Buffer {
  const body = Buffer.concat([Buffer.from(` ${key}=`, "utf8"), value, Buffer.from("\n")]);
  let len = body.length + 1;
  while (String(len).length + body.length !== len) len = String(len).length + body.length;
  return Buffer.concat([Buffer.from(String(len)), body]);
}

/** Splits a name into ustar (prefix, name), or null when it needs a pax `path` record. */
function ustarName(name: string): [string, string] | null {
  if (name.length <= 100) return ["", name];
  for (let i = name.indexOf("/"); i >= 0; i = name.indexOf("/", i + 1)) {
    if (i <= 155 && name.length - i - 1 <= 100 && name.length - i - 1 > 0)
      return [name.slice(0, i), name.slice(i + 1)];
  }
  return null;
}

function headerBlock(
  h: Omit<TarHeader, "pax">,
  flag: string,
  name: [string, string],
  linkname: string,
): Buffer {
  const b = Buffer.alloc(512);
  b.write(name[1], 0, 100, "latin1");
  b.write(octal(h.mode & 0o7777, 8), 100, "latin1");
  b.write(octal(h.uid, 8), 108, "latin1");
  b.write(octal(h.gid, 8), 116, "latin1");
  b.write(octal(h.size, 12), 124, "latin1");
  b.write(octal(h.mtime, 12), 136, "latin1");
  b.write(flag, 156, "latin1");
  b.write(linkname, 157, 100, "latin1");
  b.write("ustar\u000000", 257, "latin1");
  b.write(octal(h.devmajor, 8), 329, "latin1");
  b.write(octal(h.devminor, 8), 337, "latin1");
  b.write(name[0], 345, 155, "latin1");
  b.write(octal(checksum(b), 7) + " ", 148, "latin1");
  return b;
}

/** Header blocks (pax record first when needed) for one entry. */
export function encodeHeader(h: TarHeader): Buffer {
  const records: Buffer[] = [];
  let name = ustarName(h.name);
  if (!name) {
    records.push(paxRecord("path", Buffer.from(h.name, "latin1")));
    name = ["", h.name.slice(-100)];
  }
  let linkname = h.linkname;
  if (linkname.length > 100) {
    records.push(paxRecord("linkpath", Buffer.from(linkname, "latin1")));
    linkname = linkname.slice(0, 100);
  }
  if (h.uid > 0o7777777) records.push(paxRecord("uid", Buffer.from(String(h.uid))));
  if (h.gid > 0o7777777) records.push(paxRecord("gid", Buffer.from(String(h.gid))));
  if (h.size > 0o77777777777) throw new Error(`tar: ${h.name} is too large`);
  for (const [k, v] of h.pax) records.push(paxRecord(k, v));
  const main = headerBlock(h, String(TYPE_FLAGS.indexOf(h.type)), name, linkname);
  if (!records.length) return main;
  const data = Buffer.concat(records);
  const paxHeader = headerBlock(
    {
      ...h,
      name: "",
      type: "file",
      mode: 0o644,
      uid: 0,
      gid: 0,
      size: data.length,
      linkname: "",
      devmajor: 0,
      devminor: 0,
    },
    "x",
    ["", "PaxHeader"],
    "",
  );
  return Buffer.concat([paxHeader, data, Buffer.alloc((512 - (data.length % 512)) % 512), main]);
}
