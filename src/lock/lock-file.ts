import { parse } from "yaml";
import { z } from "zod";
import { UserError } from "../errors.ts";

/**
 * `<deck>.lock`: the exact Debian packages of each root filesystem a deck builds (dom0, the guests'
 * shared base, every flavour layer), with the mirror's Release info at resolution time. YAML with
 * one package per line in a fixed order, so a lock change reads as a plain diff.
 */

export const LOCK_FORMAT = 1;

const sha256 = z.string().regex(/^[0-9a-f]{64}$/, "must be 64 lowercase hex digits");

export const LockedPackage = z
  .object({ name: z.string().min(1), version: z.string().min(1), arch: z.string().min(1), sha256 })
  .strict();
export type LockedPackage = z.infer<typeof LockedPackage>;

export const ReleaseInfo = z
  .object({
    /** `host/path suite` of the index, as apt named its list file. */
    source: z.string(),
    suite: z.string().optional(),
    codename: z.string().optional(),
    version: z.string().optional(),
    date: z.string().optional(),
  })
  .strict();
export type ReleaseInfo = z.infer<typeof ReleaseInfo>;

export const LockRoot = z
  .object({
    /** The packages the deck asked for when this root was resolved (its base's excluded). */
    requested: z.array(z.string()),
    /** Everything dpkg had installed in the root filesystem. */
    packages: z.array(LockedPackage),
  })
  .strict();
export type LockRoot = z.infer<typeof LockRoot>;

export const LockFile = z
  .object({
    lock: z.literal(LOCK_FORMAT),
    suite: z.string(),
    architecture: z.string(),
    /** SOURCE_DATE_EPOCH of the builds, unless the environment sets one. */
    epoch: z.number().int(),
    release: z.array(ReleaseInfo),
    roots: z.record(LockRoot),
  })
  .strict();
export type LockFile = z.infer<typeof LockFile>;

export const lockPath = (deckFile: string) => deckFile.replace(/\.ya?ml$/, "") + ".lock";

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const q = (s: string) => JSON.stringify(s);
const pkgKey = (p: Pick<LockedPackage, "name" | "arch">) => `${p.name}:${p.arch}`;

/** The lock's text: keys, roots, and packages in a fixed order. */
export function writeLock(l: LockFile, deckName: string): string {
  const out = [
    `# livedeck lock of ${deckName}: the exact Debian packages of each root filesystem.`,
    "# Written by the first `livedeck build`, re-resolved by `livedeck lock --update [flavour]`. Commit it.",
    `lock: ${l.lock}`,
    `suite: ${q(l.suite)}`,
    `architecture: ${q(l.architecture)}`,
    `epoch: ${l.epoch}`,
    "release:",
  ];
  for (const r of [...l.release].sort((a, b) => cmp(a.source, b.source))) {
    const fields = (["source", "suite", "codename", "version", "date"] as const)
      .filter((k) => r[k] !== undefined)
      .map((k) => `${k}: ${q(r[k]!)}`);
    out.push(`  - {${fields.join(", ")}}`);
  }
  if (!l.release.length) out[out.length - 1] += " []";
  out.push("roots:");
  for (const name of Object.keys(l.roots).sort(cmp)) {
    const root = l.roots[name]!;
    out.push(`  ${q(name)}:`);
    out.push(`    requested: [${[...new Set(root.requested)].sort(cmp).map(q).join(", ")}]`);
    out.push(`    packages:${root.packages.length ? "" : " []"}`);
    for (const p of [...root.packages].sort((a, b) => cmp(pkgKey(a), pkgKey(b))))
      out.push(
        `      - {name: ${q(p.name)}, version: ${q(p.version)}, arch: ${q(p.arch)}, sha256: ${q(p.sha256)}}`,
      );
  }
  if (!Object.keys(l.roots).length) out[out.length - 1] += " {}";
  return out.join("\n") + "\n";
}

/** Parses and checks a lock's text; a malformed lock is refused with the field at fault. */
export function parseLock(text: string, file: string): LockFile {
  let raw: unknown;
  try {
    raw = parse(text);
  } catch (e) {
    throw new UserError(
      `${file}: not a lock file: ${(e as Error).message.split("\n")[0]}`,
      "restore it from version control, or delete it and build again",
    );
  }
  const r = LockFile.safeParse(raw);
  if (!r.success) {
    const i = r.error.issues[0]!;
    throw new UserError(
      `${file}: ${i.path.join(".") || "(top)"}: ${i.message}`,
      "restore it from version control, or run `livedeck lock --update`",
    );
  }
  for (const [name, root] of Object.entries(r.data.roots)) {
    const seen = new Set<string>();
    for (const p of root.packages) {
      if (seen.has(pkgKey(p)))
        throw new UserError(`${file}: root ${name} locks ${pkgKey(p)} twice`, "keep one entry per package");
      seen.add(pkgKey(p));
    }
  }
  return r.data;
}

/** A lock made for another suite or architecture is never used: nothing in it would resolve. */
export function checkLockTarget(
  l: LockFile,
  want: { suite: string; architecture: string },
  file: string,
): void {
  if (l.suite !== want.suite)
    throw new UserError(
      `${file} was resolved for suite ${l.suite}, but the deck builds ${want.suite}`,
      "run `livedeck lock --update` to re-resolve every root for the deck's suite",
    );
  if (l.architecture !== want.architecture)
    throw new UserError(
      `${file} was resolved for architecture ${l.architecture}, this host builds ${want.architecture}`,
      "build on a host of the lock's architecture, or run `livedeck lock --update`",
    );
}
