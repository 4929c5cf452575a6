import type { FileHandle } from "node:fs/promises";
import { checksum, encodeHeader, field, FOLDED, num, parsePax, TYPES } from "./tar-header.ts";

/**
 * A byte-exact tar reader and writer for root filesystem tarballs.
 *
 * Why not tar-stream: it decodes and encodes pax values as UTF-8, which mangles binary xattrs such
 * as `SCHILY.xattr.security.capability` (the file capability mmdebstrap's tar keeps on /usr/bin/ping).
 * Names are kept as latin1 strings, i.e. one char per byte, so any byte sequence survives and
 * string order is byte order.
 */
export type TarType = "file" | "link" | "symlink" | "char" | "block" | "directory" | "fifo";

export interface TarHeader {
  name: string;
  type: TarType;
  /** Permission bits (0o7777). */
  mode: number;
  uid: number;
  gid: number;
  size: number;
  /** Seconds since the epoch. */
  mtime: number;
  /** Symlink target or hard link target (as written in the archive). */
  linkname: string;
  devmajor: number;
  devminor: number;
  /** Pax records other than the ones folded into the fields above (xattrs), sorted by key. */
  pax: [string, Buffer][];
}

export interface TarEntry {
  header: TarHeader;
  /** The entry's bytes; read at most once, before asking for the next entry. */
  body: AsyncIterable<Buffer>;
}

class ByteReader {
  private chunk: Buffer = Buffer.alloc(0);
  private done = false;
  constructor(private readonly src: AsyncIterator<Buffer>) {}

  private async fill(): Promise<boolean> {
    if (this.done) return false;
    const r = await this.src.next();
    if (r.done) {
      this.done = true;
      return false;
    }
    this.chunk = this.chunk.length ? Buffer.concat([this.chunk, r.value]) : r.value;
    return true;
  }

  /** Exactly n bytes, or null at a clean end of input. */
  async read(n: number): Promise<Buffer | null> {
    while (this.chunk.length < n) {
      if (!(await this.fill())) {
        if (this.chunk.length === 0) return null;
        throw new Error(`tar: truncated archive (wanted ${n} bytes, got ${this.chunk.length})`);
      }
    }
    const out = this.chunk.subarray(0, n);
    this.chunk = this.chunk.subarray(n);
    return out;
  }

  /** Between 1 and n bytes: what is already buffered, or the next chunk. */
  async some(n: number): Promise<Buffer> {
    if (this.chunk.length === 0 && !(await this.fill())) throw new Error("tar: truncated entry");
    const part = this.chunk.subarray(0, Math.min(n, this.chunk.length));
    this.chunk = this.chunk.subarray(part.length);
    return part;
  }
}

/** Entries of a tar stream (ustar, pax and GNU long names). */
export async function* readTar(src: AsyncIterable<Buffer>): AsyncGenerator<TarEntry> {
  const r = new ByteReader(src[Symbol.asyncIterator]());
  let globalPax = new Map<string, Buffer>();
  let pax = new Map<string, Buffer>();
  let longName: string | undefined;
  let longLink: string | undefined;
  for (;;) {
    const block = await r.read(512);
    if (!block || block.every((b) => b === 0)) return;
    if (checksum(block) !== num(block, 148, 8)) throw new Error("tar: bad header checksum");
    const flag = String.fromCharCode(block[156] ?? 0);
    let size = num(block, 124, 12);
    if (flag === "x" || flag === "g" || flag === "L" || flag === "K") {
      const data = (await r.read(Math.ceil(size / 512) * 512))?.subarray(0, size) ?? Buffer.alloc(0);
      if (flag === "x") pax = new Map([...pax, ...parsePax(data)]);
      else if (flag === "g") globalPax = new Map([...globalPax, ...parsePax(data)]);
      else if (flag === "L") longName = field(data, 0, data.length);
      else longLink = field(data, 0, data.length);
      continue;
    }
    const type = TYPES[flag];
    if (!type) throw new Error(`tar: unsupported entry type ${JSON.stringify(flag)}`);
    const p = new Map([...globalPax, ...pax]);
    const prefix = block.subarray(257, 263).toString("latin1") === "ustar\0" ? field(block, 345, 155) : "";
    const get = (k: string) => p.get(k)?.toString("latin1");
    if (p.has("size")) size = Number(get("size"));
    const padded = Math.ceil(size / 512) * 512;
    const header: TarHeader = {
      name: get("path") ?? longName ?? (prefix ? `${prefix}/${field(block, 0, 100)}` : field(block, 0, 100)),
      type,
      mode: num(block, 100, 8) & 0o7777,
      uid: p.has("uid") ? Number(get("uid")) : num(block, 108, 8),
      gid: p.has("gid") ? Number(get("gid")) : num(block, 116, 8),
      size: type === "file" ? size : 0,
      mtime: p.has("mtime") ? Math.floor(Number(get("mtime"))) : num(block, 136, 12),
      linkname: get("linkpath") ?? longLink ?? field(block, 157, 100),
      devmajor: num(block, 329, 8),
      devminor: num(block, 337, 8),
      pax: [...p].filter(([k]) => !FOLDED.has(k)).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
    };
    pax = new Map();
    longName = longLink = undefined;
    // The body is read straight from the archive; whatever the consumer leaves unread is skipped.
    let left = padded;
    const body = {
      async *[Symbol.asyncIterator]() {
        while (left > padded - size) {
          const part = await r.some(left - (padded - size));
          left -= part.length;
          yield part;
        }
      },
    };
    yield { header, body };
    while (left > 0) left -= (await r.some(left)).length;
  }
}

/** Writes a tar file with large buffered writes. */
export class TarWriter {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  bytes = 0;
  constructor(private readonly fh: FileHandle) {}

  private async push(b: Buffer): Promise<void> {
    this.pending.push(b);
    this.pendingBytes += b.length;
    this.bytes += b.length;
    if (this.pendingBytes >= 1 << 20) await this.flush();
  }

  private async flush(): Promise<void> {
    if (!this.pendingBytes) return;
    const data = Buffer.concat(this.pending);
    this.pending = [];
    this.pendingBytes = 0;
    await this.fh.write(data);
  }

  async add(h: TarHeader, body?: Iterable<Buffer> | AsyncIterable<Buffer>): Promise<void> {
    await this.push(encodeHeader(h));
    let n = 0;
    if (body) for await (const part of body) ((n += part.length), await this.push(part));
    if (n !== h.size) throw new Error(`tar: ${h.name}: body is ${n} bytes, header says ${h.size}`);
    if (n % 512) await this.push(Buffer.alloc(512 - (n % 512)));
  }

  async end(): Promise<void> {
    await this.push(Buffer.alloc(1024));
    await this.flush();
  }
}
