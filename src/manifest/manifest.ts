import { z } from "zod";

/**
 * `out/<deck>.manifest.json`, written beside the ISO by every build: what went into the medium
 * (each step's id, each root filesystem's packages) and what is on it (every file's sha256), so
 * two builds can be compared without unpacking either.
 */
export const MANIFEST_FORMAT = 1;

export const FileEntry = z.object({ sha256: z.string(), bytes: z.number().int() }).strict();
export type FileEntry = z.infer<typeof FileEntry>;

/** What the iso stage records about the medium it wrote (`medium.json` in its output). */
export const MediumInfo = z.object({ iso: FileEntry, files: z.record(FileEntry) }).strict();
export type MediumInfo = z.infer<typeof MediumInfo>;

export const Manifest = z
  .object({
    manifest: z.literal(MANIFEST_FORMAT),
    deck: z.string(),
    suite: z.string(),
    epoch: z.number().int(),
    /** step key → id */
    stages: z.record(z.string()),
    /** root (dom0, guest-base, flavour) → `name:arch` → version */
    packages: z.record(z.record(z.string())),
    medium: MediumInfo,
  })
  .strict();
export type Manifest = z.infer<typeof Manifest>;

export const manifestName = (deck: string) => `${deck}.manifest.json`;

/** One difference between two manifests. */
export interface Change {
  kind: "stage" | "package" | "file" | "iso" | "setting";
  /** The stage key, `root name:arch`, medium path, or setting name. */
  what: string;
  a: string | null;
  b: string | null;
}

const sorted = (keys: Iterable<string>) => [...new Set(keys)].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));

function compare(
  kind: Change["kind"],
  a: Record<string, string>,
  b: Record<string, string>,
  prefix = "",
): Change[] {
  const out: Change[] = [];
  for (const k of sorted([...Object.keys(a), ...Object.keys(b)]))
    if (a[k] !== b[k]) out.push({ kind, what: prefix + k, a: a[k] ?? null, b: b[k] ?? null });
  return out;
}

const hashes = (files: Record<string, FileEntry>) =>
  Object.fromEntries(Object.entries(files).map(([p, f]) => [p, f.sha256]));

/** Everything that differs between two manifests, settings first, then stages, packages, files. */
export function diffManifests(a: Manifest, b: Manifest): Change[] {
  const settings = (m: Manifest) => ({ deck: m.deck, suite: m.suite, epoch: String(m.epoch) });
  const out = [...compare("setting", settings(a), settings(b)), ...compare("stage", a.stages, b.stages)];
  for (const root of sorted([...Object.keys(a.packages), ...Object.keys(b.packages)]))
    out.push(...compare("package", a.packages[root] ?? {}, b.packages[root] ?? {}, `${root} `));
  out.push(...compare("file", hashes(a.medium.files), hashes(b.medium.files)));
  if (a.medium.iso.sha256 !== b.medium.iso.sha256)
    out.push({ kind: "iso", what: "iso", a: a.medium.iso.sha256, b: b.medium.iso.sha256 });
  return out;
}

/** A change's cells for the table: versions as they are, ids and hashes shortened. */
export function changeCells(c: Change): [string, string, string, string] {
  const short = (v: string | null) =>
    v === null ? "-" : c.kind === "package" || c.kind === "setting" ? v : v.slice(0, 12);
  return [c.kind, c.what, short(c.a), short(c.b)];
}
