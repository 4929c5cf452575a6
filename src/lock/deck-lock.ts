import { readFile, rename, writeFile } from "node:fs/promises";
import { basename, join } from "node:path";
import { UserError } from "../errors.ts";
import { debFileName, installedPackages } from "../formats/apt-repo.ts";
import { readBodies } from "../formats/tar-tree.ts";
import { hashFile } from "../pipeline/ids.ts";
import type { ResolvedStep } from "../pipeline/resolve.ts";
import type { Store } from "../pipeline/store.ts";
import {
  checkLockTarget,
  LOCK_FORMAT,
  lockPath,
  parseLock,
  writeLock,
  type LockedPackage,
  type LockFile,
} from "./lock-file.ts";
import { fetchMirrorIndex, indexKey, type MirrorIndex } from "./mirror-index.ts";
import { checkAgainstMirror, lockStatus, rootOf, type LockStatus } from "./roots.ts";

/** Debian's name for the architecture this host builds. */
export function hostArchitecture(arch = process.arch): string {
  const map: Record<string, string> = {
    x64: "amd64",
    arm64: "arm64",
    ia32: "i386",
    riscv64: "riscv64",
    ppc64: "ppc64el",
    s390x: "s390x",
  };
  return map[arch] ?? arch;
}

export interface DeckLock {
  file: string;
  lock: LockFile | null;
}

/** The deck's lock when it has one; a lock for another suite or architecture is refused. */
export async function readDeckLock(deckFile: string, suite: string): Promise<DeckLock> {
  const file = lockPath(deckFile);
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return { file, lock: null };
    throw e;
  }
  const lock = parseLock(text, file);
  checkLockTarget(lock, { suite, architecture: hostArchitecture() }, file);
  return { file, lock };
}

/** Lines that tell the user what in the lock no longer matches the deck (empty: nothing). */
export function staleLines(status: LockStatus): string[] {
  return [
    ...status.staleRoots.map((r) => `root ${r}: the deck no longer builds it`),
    ...status.roots
      .filter((r) => r.stale.length)
      .map((r) => `root ${r.root}: the deck no longer asks for ${r.stale.join(", ")}`),
  ];
}

/**
 * Checks made before the first step writes anything: with `--locked` the lock must cover the deck
 * exactly; every locked version a step about to run installs must still be on the mirror, with
 * the locked hash (apt would silently take another version of a pin it cannot satisfy).
 */
export async function checkBeforeBuild(o: {
  lock: DeckLock;
  status: LockStatus;
  locked: boolean;
  willRun: readonly ResolvedStep[];
  store: Store;
  mirror: string;
}): Promise<MirrorIndex | undefined> {
  if (o.locked) {
    if (!o.lock.lock)
      throw new UserError(
        `--locked: ${o.lock.file} does not exist`,
        "build once without --locked (or run `livedeck lock --update`) to write it",
      );
    const problems = [
      ...o.status.roots.filter((r) => r.state === "new").map((r) => `root ${r.root}: not in the lock`),
      ...o.status.roots
        .filter((r) => r.state === "incomplete")
        .map((r) => `root ${r.root}: the lock lacks ${r.added.join(", ")}`),
      ...staleLines(o.status),
    ];
    if (problems.length)
      throw new UserError(
        `--locked: ${o.lock.file} is out of date:\n  ${problems.join("\n  ")}`,
        "run `livedeck lock --update` and commit the lock",
      );
  }
  const pinned = o.willRun.flatMap((st) => {
    const locked = (st.options as { locked?: LockedPackage[] }).locked;
    return locked ? [{ root: rootOf(st)!, packages: locked }] : [];
  });
  if (!pinned.length) return undefined;
  const index = await fetchMirrorIndex(o.store.root, o.mirror);
  const { missing, wrongHash } = checkAgainstMirror(pinned, index);
  if (wrongHash.length)
    throw new UserError(
      `${o.lock.file}: ${wrongHash.length} locked sha256 sums differ from the mirror's:\n  ${wrongHash.join("\n  ")}`,
      "a lock is not edited by hand: restore it from version control, or run `livedeck lock --update`",
    );
  if (missing.length)
    throw new UserError(
      `the mirror no longer has ${missing.length} locked package versions (nothing was built):\n  ${missing.join("\n  ")}`,
      "run `livedeck lock --update` to move to the mirror's versions, or point the deck's `mirror:` at a snapshot that has them",
    );
  return index;
}

const sha256File = (path: string) => hashFile(path).catch(() => undefined);

const STATUS = "var/lib/dpkg/status";

/** What dpkg installed in one built root, each with the sha256 of its .deb. */
export async function lockedPackagesOf(
  tar: string,
  debCache: string,
  index: MirrorIndex,
): Promise<LockedPackage[]> {
  const status = (await readBodies(tar, [STATUS])).get(STATUS);
  if (!status) throw new Error(`${tar}: no ${STATUS}`);
  const out: LockedPackage[] = [];
  for (const p of installedPackages(status.toString()).values()) {
    // the .deb apt installed (the cache keeps every one); the mirror's hash if it is gone
    const sha = (await sha256File(join(debCache, debFileName(p)))) ?? index.available.get(indexKey(p));
    if (!sha)
      throw new UserError(
        `cannot lock ${p.name}=${p.version}: its .deb is neither in the cache nor on the mirror`,
        "run `livedeck lock --update`",
      );
    out.push({ name: p.name, version: p.version, arch: p.arch, sha256: sha });
  }
  return out;
}

/**
 * Records the roots in `record` from what the build installed and writes the lock (atomically).
 * Roots not built yet (a --stop-after build) wait for a later build. Returns the lock written, or
 * null when nothing changed.
 */
export async function recordLock(o: {
  lock: DeckLock;
  steps: readonly ResolvedStep[];
  record: ReadonlySet<string>;
  dropStale: boolean;
  suite: string;
  epoch: number;
  store: Store;
  mirror: string;
  index?: MirrorIndex;
  deckName: string;
}): Promise<LockFile | null> {
  const todo = o.steps.filter((st) => o.record.has(rootOf(st) ?? ""));
  const built = [];
  for (const st of todo) if (await o.store.has(st.id)) built.push(st);
  const status = lockStatus(o.steps, o.lock.lock);
  if (!built.length && !(o.dropStale && staleLines(status).length)) return null;
  const index = o.index ?? (await fetchMirrorIndex(o.store.root, o.mirror));
  const next: LockFile = o.lock.lock
    ? structuredClone(o.lock.lock)
    : {
        lock: LOCK_FORMAT,
        suite: o.suite,
        architecture: hostArchitecture(),
        epoch: o.epoch,
        release: [],
        roots: {},
      };
  next.release = index.release;
  for (const st of built) {
    const tar = join(o.store.outDir(st.id), "rootfs.tar");
    const requested = [...new Set((st.options as { packages: string[] }).packages)].sort();
    next.roots[rootOf(st)!] = { requested, packages: await lockedPackagesOf(tar, o.store.debCache, index) };
  }
  if (o.dropStale) for (const r of status.staleRoots) delete next.roots[r];
  const text = writeLock(next, basename(o.lock.file).replace(/\.lock$/, ".yaml"));
  const old = await readFile(o.lock.file, "utf8").catch(() => "");
  if (text === old) return null;
  await writeFile(`${o.lock.file}.tmp`, text);
  await rename(`${o.lock.file}.tmp`, o.lock.file);
  return next;
}
