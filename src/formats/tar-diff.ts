import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { open } from "node:fs/promises";
import { readTar, TarWriter, type TarEntry, type TarHeader } from "./tar.ts";

/**
 * What differs between two root filesystem tarballs, as an overlayfs upper layer: entries that are
 * new or differ, their parent directories (an upper dir's owner and mode win over the lower one's),
 * and a whiteout for each path the layer no longer has; written as delta.tar.
 */

/** What a path is, for comparison: type, owner, mode, content hash or target, xattrs. Not mtime. */
export interface PathInfo {
  header: TarHeader;
  sig: string;
  /** Hard links: the normalized path of the entry they link to. */
  target?: string;
}
export type TarIndex = Map<string, PathInfo>;

export interface DeltaItem {
  path: string;
  whiteout: boolean;
}
export interface DeltaPlan {
  items: DeltaItem[];
  added: number;
  changed: number;
  removed: number;
  whiteouts: number;
}

/** "./usr/bin/" → "usr/bin"; the root is "". */
export function normalizePath(name: string): string {
  return name
    .replace(/^(\.?\/)+/, "")
    .replace(/\/+$/, "")
    .replace(/^\.$/, "");
}

/** Depth-first order with siblings sorted by bytes (GNU tar --sort=name): a dir before its contents. */
export function treeCompare(a: string, b: string): number {
  const x = a.replaceAll("/", "\0");
  const y = b.replaceAll("/", "\0");
  return x < y ? -1 : x > y ? 1 : 0;
}

function parentOf(path: string): string | null {
  if (path === "") return null;
  const i = path.lastIndexOf("/");
  return i < 0 ? "" : path.slice(0, i);
}

function signature(h: TarHeader, sha: string): string {
  const xattrs = h.pax.map(([k, v]) => `${k}=${v.toString("hex")}`).join(",");
  const what =
    h.type === "symlink"
      ? h.linkname
      : h.type === "char" || h.type === "block"
        ? `${h.devmajor}:${h.devminor}`
        : sha;
  return `${h.type}|${h.mode.toString(8)}|${h.uid}:${h.gid}|${what}|${xattrs}`;
}

/** Reads a tar once, hashing file contents. A hard link compares as the file it links to. */
export async function indexTar(entries: AsyncIterable<TarEntry>): Promise<TarIndex> {
  const index: TarIndex = new Map();
  for await (const { header, body } of entries) {
    const path = normalizePath(header.name);
    if (header.type === "link") {
      const target = normalizePath(header.linkname);
      const t = index.get(target);
      if (!t)
        throw new Error(
          `tar: hard link ${header.name} to ${header.linkname}, which comes later or not at all`,
        );
      index.set(path, { header, sig: t.sig, target });
      continue;
    }
    const h = createHash("sha256");
    if (header.type === "file") for await (const part of body) h.update(part);
    index.set(path, { header, sig: signature(header, h.digest("hex")) });
  }
  return index;
}

/** Which paths go into the delta, in tree order. Pure: works on two indexes. */
export function planDelta(base: TarIndex, layer: TarIndex): DeltaPlan {
  const entries = new Set<string>();
  const whiteouts = new Set<string>();
  let added = 0;
  let changed = 0;
  let removed = 0;
  for (const [path, info] of layer) {
    const old = base.get(path);
    if (old && old.sig === info.sig) continue;
    if (old) changed++;
    else added++;
    entries.add(path);
  }
  for (const path of base.keys()) {
    if (layer.has(path)) continue;
    removed++;
    // Only the topmost removed path needs a whiteout; one under a path that is no longer a
    // directory is hidden by that entry.
    const parent = parentOf(path);
    if (parent !== null && layer.get(parent)?.header.type === "directory") whiteouts.add(path);
  }
  // A hard link needs the file it links to in the same layer.
  for (const path of [...entries]) {
    const target = layer.get(path)?.target;
    if (target !== undefined) entries.add(target);
  }
  for (const path of [...entries, ...whiteouts]) {
    for (let p = parentOf(path); p !== null && !entries.has(p); p = parentOf(p)) {
      if (layer.get(p)?.header.type === "directory") entries.add(p);
    }
  }
  const items = [
    ...[...entries].map((path) => ({ path, whiteout: false })),
    ...[...whiteouts].map((path) => ({ path, whiteout: true })),
  ].sort((a, b) => treeCompare(a.path, b.path));
  return { items, added, changed, removed, whiteouts: whiteouts.size };
}

export interface DeltaStats extends Omit<DeltaPlan, "items"> {
  entries: number;
  bytes: number;
}

function archiveName(path: string, type: TarHeader["type"]): string {
  if (path === "") return "./";
  return type === "directory" ? `./${path}/` : `./${path}`;
}

function whiteoutHeader(path: string, epoch: number): TarHeader {
  return {
    name: archiveName(path, "char"),
    type: "char",
    mode: 0,
    uid: 0,
    gid: 0,
    size: 0,
    mtime: epoch,
    linkname: "",
    devmajor: 0,
    devminor: 0,
    pax: [],
  };
}

/**
 * Writes the planned delta, streaming the layer tar a second time. Entries are written in tree
 * order; one that arrives before its turn (mmdebstrap puts ./dev first) waits in memory.
 * mtimes are the layer's, clamped to `epoch`, so base + delta shows exactly the layer's tree.
 */
export async function writeDelta(
  layerEntries: AsyncIterable<TarEntry>,
  plan: DeltaPlan,
  out: string,
  epoch: number,
): Promise<number> {
  const wanted = new Set(plan.items.filter((i) => !i.whiteout).map((i) => i.path));
  const waiting = new Map<string, { header: TarHeader; body: Buffer[] }>();
  const fh = await open(out, "w");
  try {
    const w = new TarWriter(fh);
    let next = 0;
    const written = new Set<string>();
    // A hard link that sorts before its target carries the contents; the target then links to it.
    const swapped = new Map<string, string>();
    const write = async (header: TarHeader, path: string, body: Iterable<Buffer> | AsyncIterable<Buffer>) => {
      let linkname = header.linkname;
      if (swapped.has(path)) {
        header = { ...header, type: "link", size: 0 };
        linkname = archiveName(swapped.get(path)!, "file");
        body = [];
      } else if (header.type === "link") {
        const target = normalizePath(header.linkname);
        const early = written.has(target) ? undefined : waiting.get(target);
        if (early) {
          swapped.set(target, path);
          header = { ...early.header, name: header.name };
          linkname = "";
          body = early.body;
        } else linkname = archiveName(target, "file");
      }
      written.add(path);
      await w.add(
        { ...header, name: archiveName(path, header.type), linkname, mtime: Math.min(header.mtime, epoch) },
        body,
      );
    };
    const drain = async () => {
      for (let item = plan.items[next]; item; item = plan.items[next]) {
        const ready = waiting.get(item.path);
        if (item.whiteout) await w.add(whiteoutHeader(item.path, epoch));
        else if (ready) (await write(ready.header, item.path, ready.body), waiting.delete(item.path));
        else return;
        next++;
      }
    };
    for await (const { header, body } of layerEntries) {
      const path = normalizePath(header.name);
      if (!wanted.has(path)) continue;
      await drain();
      if (plan.items[next]?.path === path) {
        await write(header, path, body);
        next++;
      } else {
        const parts: Buffer[] = [];
        for await (const part of body) parts.push(Buffer.from(part));
        waiting.set(path, { header, body: parts });
      }
    }
    await drain();
    if (next !== plan.items.length)
      throw new Error(`delta: ${plan.items[next]?.path} is missing from the layer tar`);
    await w.end();
    return w.bytes;
  } finally {
    await fh.close();
  }
}

function readFile(path: string) {
  return readTar(createReadStream(path, { highWaterMark: 1 << 20 }));
}

/** base rootfs.tar + layer rootfs.tar → delta.tar (overlayfs upper layer). */
export async function diffTarFiles(
  base: string,
  layer: string,
  out: string,
  epoch: number,
): Promise<DeltaStats> {
  const [b, l] = await Promise.all([indexTar(readFile(base)), indexTar(readFile(layer))]);
  const plan = planDelta(b, l);
  const bytes = await writeDelta(readFile(layer), plan, out, epoch);
  const { items, ...counts } = plan;
  return { ...counts, entries: items.length, bytes };
}

/** What a layer-like stage reports: the delta's counts and bytes, and the full tarball's size. */
export function deltaReport(d: DeltaStats, fullTarBytes: number): Record<string, number> {
  return { added: d.added, changed: d.changed, removed: d.removed, deltaBytes: d.bytes, bytes: fullTarBytes };
}
