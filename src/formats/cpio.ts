import { createReadStream } from "node:fs";
import { readFile } from "node:fs/promises";
import { Readable, type Writable } from "node:stream";
import { pipeline } from "node:stream/promises";

/**
 * cpio "newc" (SVR4 without CRC), the format the kernel unpacks as an initramfs. Reproducible by
 * construction: entries sorted by path, inode numbers assigned in that order, one fixed mtime,
 * device numbers of the archived filesystem zeroed.
 */

export const S_IFMT = 0o170000;
export const S_IFDIR = 0o040000;
export const S_IFREG = 0o100000;
export const S_IFLNK = 0o120000;

export interface NewcHeader {
  ino: number;
  mode: number;
  uid: number;
  gid: number;
  nlink: number;
  mtime: number;
  filesize: number;
  devmajor: number;
  devminor: number;
  rdevmajor: number;
  rdevminor: number;
}

/** Regular-file content: bytes in memory, or a file read while writing (its size checked). */
export type CpioData = Buffer | { file: string; size: number };

export interface CpioEntry {
  /** Relative to the archive root, "/"-separated, no leading "/" or "./" ("usr/bin/sh"). */
  path: string;
  /** Full st_mode: file type bits and permissions (incl. setuid/setgid/sticky). */
  mode: number;
  uid: number;
  gid: number;
  /** Character and block devices. */
  rdev?: { major: number; minor: number };
  /** Regular files (absent = empty). */
  data?: CpioData;
  /** Symlinks: the link target, stored verbatim. */
  target?: string;
  /** Hard links: entries with the same key are one inode. */
  link?: string;
}

export interface CpioOptions {
  /** mtime of every entry, seconds since the epoch (SOURCE_DATE_EPOCH). */
  mtime: number;
}

/** Bytes of padding that bring `n` to a multiple of 4. */
export function pad4(n: number): number {
  return (4 - (n % 4)) % 4;
}

function hex8(field: string, v: number): string {
  if (!Number.isInteger(v) || v < 0 || v > 0xffffffff)
    throw new Error(`cpio: ${field} ${v} does not fit newc`);
  return v.toString(16).padStart(8, "0");
}

/** The header's fields in on-disk order, before namesize and check. */
const HEADER_FIELDS = [
  ...["ino", "mode", "uid", "gid", "nlink", "mtime", "filesize"],
  ...["devmajor", "devminor", "rdevmajor", "rdevminor"],
] as (keyof NewcHeader)[];

/** One header with its NUL-terminated name, padded to 4 bytes. */
export function newcHeader(h: NewcHeader, name: string): Buffer {
  const nameBytes = Buffer.from(name, "utf8");
  const fields: [string, number][] = [
    ...HEADER_FIELDS.map((f): [string, number] => [f, h[f]]),
    ["namesize", nameBytes.length + 1],
    ["check", 0],
  ];
  const head = Buffer.from(`070701${fields.map(([f, v]) => hex8(f, v)).join("")}`, "ascii");
  const len = head.length + nameBytes.length + 1;
  return Buffer.concat([head, nameBytes, Buffer.alloc(1 + pad4(len))]);
}

export function newcTrailer(): Buffer {
  const zero = { ino: 0, mode: 0, uid: 0, gid: 0, mtime: 0, filesize: 0, devmajor: 0, devminor: 0 };
  return newcHeader({ ...zero, nlink: 1, rdevmajor: 0, rdevminor: 0 }, "TRAILER!!!");
}

/** An entry as it goes into the archive: its header and the bytes that follow it. */
export interface LaidOut {
  header: NewcHeader;
  path: string;
  data?: CpioData;
}

function checkPath(p: string): void {
  const bad =
    p === "" ||
    p.startsWith("/") ||
    p.includes("\0") ||
    p.split("/").some((s) => s === "" || s === "." || s === "..");
  if (bad) throw new Error(`cpio: bad entry path ${JSON.stringify(p)}`);
}

function dataSize(d: CpioData | undefined): number {
  if (!d) return 0;
  return Buffer.isBuffer(d) ? d.length : d.size;
}

/**
 * Headers for `entries` in archive order: sorted by path (parents before children), inodes
 * numbered from 1, directories' nlink = 2 + subdirectories, hard links sharing one inode with
 * nlink = group size and the data only on the group's last entry (the newc convention).
 */
export function layoutEntries(entries: readonly CpioEntry[], opts: CpioOptions): LaidOut[] {
  const sorted = [...entries].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const subdirs = new Map<string, number>();
  const groups = new Map<string, { ino: number; count: number; last: string }>();
  let nextIno = 1;
  const inos = new Map<string, number>();
  for (let i = 0; i < sorted.length; i++) {
    const e = sorted[i]!;
    checkPath(e.path);
    if (i > 0 && sorted[i - 1]!.path === e.path) throw new Error(`cpio: duplicate entry ${e.path}`);
    const type = e.mode & S_IFMT;
    if (type === S_IFDIR) {
      const parent = e.path.includes("/") ? e.path.slice(0, e.path.lastIndexOf("/")) : "";
      subdirs.set(parent, (subdirs.get(parent) ?? 0) + 1);
    }
    if (e.link !== undefined && type !== S_IFDIR) {
      const g = groups.get(e.link);
      if (g) {
        g.count++;
        g.last = e.path;
        inos.set(e.path, g.ino);
        continue;
      }
      groups.set(e.link, { ino: nextIno, count: 1, last: e.path });
    }
    inos.set(e.path, nextIno++);
  }
  return sorted.map((e) => {
    const type = e.mode & S_IFMT;
    const g = e.link !== undefined && type !== S_IFDIR ? groups.get(e.link) : undefined;
    let data: CpioData | undefined;
    if (type === S_IFLNK) data = Buffer.from(e.target ?? "", "utf8");
    else if (type === S_IFREG && (!g || g.last === e.path)) data = e.data;
    const nlink = type === S_IFDIR ? 2 + (subdirs.get(e.path) ?? 0) : (g?.count ?? 1);
    const header: NewcHeader = {
      ino: inos.get(e.path)!,
      mode: e.mode,
      uid: e.uid,
      gid: e.gid,
      nlink,
      mtime: opts.mtime,
      filesize: dataSize(data),
      devmajor: 0,
      devminor: 0,
      rdevmajor: e.rdev?.major ?? 0,
      rdevminor: e.rdev?.minor ?? 0,
    };
    return { header, path: e.path, data };
  });
}

const FLUSH_BYTES = 1 << 20;

/** The archive as a stream of buffers (about 1 MiB each); file contents are read as it goes. */
export async function* cpioChunks(entries: readonly CpioEntry[], opts: CpioOptions): AsyncGenerator<Buffer> {
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  const push = (b: Buffer) => {
    pending.push(b);
    pendingBytes += b.length;
  };
  const take = () => {
    const out = Buffer.concat(pending);
    pending = [];
    pendingBytes = 0;
    return out;
  };
  for (const { header, path, data } of layoutEntries(entries, opts)) {
    push(newcHeader(header, path));
    if (Buffer.isBuffer(data)) push(data);
    else if (data && data.size <= FLUSH_BYTES) push(await readExactly(data.file, data.size));
    else if (data) {
      yield take();
      let got = 0;
      for await (const chunk of createReadStream(data.file)) {
        got += (chunk as Buffer).length;
        yield chunk as Buffer;
      }
      if (got !== data.size)
        throw new Error(`cpio: ${data.file} changed while archiving (${got} ≠ ${data.size} bytes)`);
    }
    push(Buffer.alloc(pad4(header.filesize)));
    if (pendingBytes >= FLUSH_BYTES) yield take();
  }
  push(newcTrailer());
  yield take();
}

async function readExactly(file: string, size: number): Promise<Buffer> {
  const b = await readFile(file);
  if (b.length !== size)
    throw new Error(`cpio: ${file} changed while archiving (${b.length} ≠ ${size} bytes)`);
  return b;
}

/** Writes the archive to `sink` (ended afterwards); returns the number of bytes written. */
export async function writeCpio(
  entries: readonly CpioEntry[],
  sink: Writable,
  opts: CpioOptions,
): Promise<number> {
  let bytes = 0;
  const counted = Readable.from(
    (async function* () {
      for await (const c of cpioChunks(entries, opts)) {
        bytes += c.length;
        yield c;
      }
    })(),
  );
  await pipeline(counted, sink);
  return bytes;
}
