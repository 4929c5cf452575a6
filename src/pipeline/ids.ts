import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { lstat, readdir, readlink } from "node:fs/promises";
import { join } from "node:path";

/** JSON with sorted object keys, so equal values always hash the same. */
export function canonicalJson(v: unknown): string {
  if (v === undefined) return "null";
  if (v === null || typeof v !== "object") return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(",")}]`;
  const entries = Object.entries(v as Record<string, unknown>)
    .filter(([, x]) => x !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, x]) => `${JSON.stringify(k)}:${canonicalJson(x)}`).join(",")}}`;
}

export function sha256(data: string | Buffer): string {
  return createHash("sha256").update(data).digest("hex");
}

/** sha256 of a file's bytes, streamed. */
export async function hashFile(path: string): Promise<string> {
  const h = createHash("sha256");
  for await (const chunk of createReadStream(path)) h.update(chunk as Buffer);
  return h.digest("hex");
}

/**
 * sha256 of a file, symlink or directory tree: type and mode (st_mode), link targets and contents,
 * names sorted. Symlinks are not followed: an input tree is hashed as it would be copied.
 */
export async function hashPath(path: string): Promise<string> {
  const st = await lstat(path);
  const mode = st.mode.toString(8);
  if (st.isSymbolicLink()) return sha256(`link\0${mode}\0${await readlink(path)}`);
  if (!st.isDirectory()) return sha256(`file\0${mode}\0${await hashFile(path)}`);
  const names = (await readdir(path)).sort();
  const parts = await Promise.all(names.map(async (n) => `${n}\0${await hashPath(join(path, n))}`));
  return sha256(`dir\0${mode}\0${parts.join("\n")}`);
}

export interface IdInputs {
  stage: string;
  version: number;
  options: unknown;
  /** Input file path (as declared) → content hash. */
  files: Record<string, string>;
  /** Role → id of the consumed step. */
  consumes: Record<string, string>;
  /** Debian package → version, for the tools the stage runs. */
  tools: Record<string, string>;
}

/** A step's id: everything its output depends on, chained through the ids it consumes. */
export function stepId(i: IdInputs): string {
  return sha256(canonicalJson(i)).slice(0, 32);
}
