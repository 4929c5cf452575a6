import type { Step } from "../pipeline/plan-step.ts";
import { step } from "../pipeline/plan-step.ts";
import type { StageName } from "../stages/index.ts";
import type { LockedPackage, LockFile } from "./lock-file.ts";
import type { MirrorIndex } from "./mirror-index.ts";
import { indexKey } from "./mirror-index.ts";

/**
 * The root filesystems a lock covers are the plan's package-installing steps: `rootfs:dom0`,
 * `rootfs:guest-base` and each `layer:<flavour>`; a root is named by the part after the colon.
 */
export function rootOf(st: Pick<Step, "key" | "stage">): string | undefined {
  return st.stage.name === "rootfs" || st.stage.name === "layer"
    ? st.key.slice(st.key.indexOf(":") + 1)
    : undefined;
}

export interface RootState {
  root: string;
  key: string;
  /** Packages the deck asks for in this root. */
  requested: string[];
  /** In the lock and used as is ("locked"), in it but the deck asks for more ("incomplete"), or not in it. */
  state: "locked" | "incomplete" | "new";
  /** Packages the deck asks for that the lock was not resolved for. */
  added: string[];
  /** Packages the lock was resolved for that the deck no longer asks for (stale: --update drops them). */
  stale: string[];
}

export interface LockStatus {
  roots: RootState[];
  /** Roots in the lock that the deck no longer builds. */
  staleRoots: string[];
}

const requestedOf = (st: Step) => [...new Set((st.options as { packages: string[] }).packages)].sort();

/** How the lock covers each root of the plan. Pure. */
export function lockStatus(steps: readonly Step[], lock: LockFile | null): LockStatus {
  const roots: RootState[] = [];
  for (const st of steps) {
    const root = rootOf(st);
    if (!root) continue;
    const requested = requestedOf(st);
    const entry = lock?.roots[root];
    if (!entry) {
      roots.push({ root, key: st.key, requested, state: "new", added: requested, stale: [] });
      continue;
    }
    const added = requested.filter((p) => !entry.requested.includes(p));
    const stale = entry.requested.filter((p) => !requested.includes(p)).sort();
    roots.push({ root, key: st.key, requested, state: added.length ? "incomplete" : "locked", added, stale });
  }
  const planned = new Set(roots.map((r) => r.root));
  const staleRoots = Object.keys(lock?.roots ?? {})
    .filter((r) => !planned.has(r))
    .sort();
  return { roots, staleRoots };
}

/**
 * The plan with each root's locked packages in its step's options (so they feed its id and the
 * ids downstream of it). Roots in `resolve` are left unpinned: the build resolves them afresh.
 */
export function applyLock(
  steps: readonly Step[],
  lock: LockFile | null,
  resolve: ReadonlySet<string> = new Set(),
): Step[] {
  return steps.map((st) => {
    const root = rootOf(st);
    const entry = root !== undefined && !resolve.has(root) ? lock?.roots[root] : undefined;
    if (!entry) return st;
    return step(
      st.key,
      st.stage.name as StageName,
      { ...(st.options as object), locked: entry.packages },
      st.consumes,
    );
  });
}

/** Locked packages the mirror no longer has, and those whose .deb differs from the lock's hash. */
export function checkAgainstMirror(
  roots: readonly { root: string; packages: readonly LockedPackage[] }[],
  index: Pick<MirrorIndex, "available">,
): { missing: string[]; wrongHash: string[] } {
  const missing = new Set<string>();
  const wrongHash = new Set<string>();
  for (const r of roots)
    for (const p of r.packages) {
      const sha = index.available.get(indexKey(p));
      if (sha === undefined) missing.add(`${p.name}=${p.version} (${p.arch}, root ${r.root})`);
      else if (sha !== p.sha256)
        wrongHash.add(
          `${p.name}=${p.version} (${p.arch}, root ${r.root}): lock ${p.sha256.slice(0, 12)}…, mirror ${sha.slice(0, 12)}…`,
        );
    }
  return { missing: [...missing].sort(), wrongHash: [...wrongHash].sort() };
}
