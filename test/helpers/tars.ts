import { mkdir, open } from "node:fs/promises";
import { join } from "node:path";
import { Readable } from "node:stream";
import { pack, type Header } from "tar-stream";
import { readTar, TarWriter, type TarHeader, type TarType } from "../../src/formats/tar.ts";

export type Spec = Partial<Header> & { name: string; body?: string };

/** A small tar built by tar-stream (an independent writer), entries in the given order. */
export async function tarOf(specs: Spec[]): Promise<Buffer> {
  const p = pack();
  const chunks: Buffer[] = [];
  p.on("data", (c) => chunks.push(c as Buffer));
  const done = new Promise<void>((resolve) => p.on("end", () => resolve()));
  for (const { body, ...h } of specs) {
    const header = { mtime: new Date(1000_000_000 * 1000), uid: 0, gid: 0, ...h } as Header;
    if (header.type === "directory" && !header.mode) header.mode = 0o755;
    await new Promise<void>((resolve, reject) =>
      p.entry(header, body ?? "", (e) => (e ? reject(e) : resolve())),
    );
  }
  p.finalize();
  await done;
  return Buffer.concat(chunks);
}

export function entriesOf(buf: Buffer) {
  return readTar(Readable.from([buf]));
}

/** Every entry with its body as text (for assertions). */
export async function readAll(buf: Buffer): Promise<(TarHeader & { body: string })[]> {
  const out: (TarHeader & { body: string })[] = [];
  for await (const { header, body } of entriesOf(buf)) {
    const parts: Buffer[] = [];
    for await (const b of body) parts.push(b);
    out.push({ ...header, body: Buffer.concat(parts).toString() });
  }
  return out;
}

/** An entry of a test rootfs: a file (body), directory, symlink (linkname) or other type. */
export type RootfsEntry = {
  name: string;
  type: TarType;
  linkname?: string;
  body?: Buffer | string;
  mode?: number;
};

/**
 * Writes `dir/rootfs.tar` with our own TarWriter (as the rootfs stages do), entries in the given
 * order, owned by root, mtime 1; default modes 0755 for directories, 0777 for links, 0644 else.
 */
export async function writeRootfsTar(dir: string, entries: RootfsEntry[]): Promise<string> {
  await mkdir(dir, { recursive: true });
  const fh = await open(join(dir, "rootfs.tar"), "w");
  const w = new TarWriter(fh);
  for (const e of entries) {
    const body = typeof e.body === "string" ? Buffer.from(e.body) : (e.body ?? Buffer.alloc(0));
    const mode = e.mode ?? (e.type === "directory" ? 0o755 : e.type === "symlink" ? 0o777 : 0o644);
    const header = { name: e.name, type: e.type, mode, uid: 0, gid: 0, size: body.length, mtime: 1 };
    await w.add(
      { ...header, linkname: e.linkname ?? "", devmajor: 0, devminor: 0, pax: [] },
      e.type === "file" ? [body] : [],
    );
  }
  await w.end();
  await fh.close();
  return dir;
}

/** As writeRootfsTar, with every parent directory of the entries listed first, as in a real rootfs. */
export function writeRootfsTarWithParents(dir: string, entries: RootfsEntry[]): Promise<string> {
  const dirs = [
    ...new Set(
      entries.flatMap((e) =>
        e.name
          .split("/")
          .slice(1, -1)
          .map((_, i, a) => `./${a.slice(0, i + 1).join("/")}/`),
      ),
    ),
  ];
  return writeRootfsTar(dir, [
    ...dirs.sort().map((name): RootfsEntry => ({ name, type: "directory", mode: 0o755 })),
    ...entries,
  ]);
}
