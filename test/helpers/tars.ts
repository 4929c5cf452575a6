import { Readable } from "node:stream";
import { pack, type Header } from "tar-stream";
import { readTar, type TarHeader } from "../../src/formats/tar.ts";

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
