import type { Prepared, PrepareOptions } from "../pipeline/prepare.ts";
import { prepare } from "../pipeline/prepare.ts";
import type { ResolvedStep } from "../pipeline/resolve.ts";
import { adoptIds } from "./adopt.ts";
import { checkBeforeBuild, recordLock, staleLines } from "./deck-lock.ts";
import type { MirrorIndex } from "./mirror-index.ts";

/** What a build reports about its lock. */
export interface LockReport {
  file: string;
  /** The lock was written (first build, a root added, or `lock --update`). */
  written: boolean;
  /** Roots recorded afresh. */
  resolved: string[];
  /** Entries the deck no longer needs (kept until `livedeck lock --update`). */
  stale: string[];
  /** Steps entered under their locked ids without rebuilding. */
  adopted: string[];
}

/** The lock's part of a build, before its first step: refusals and the mirror check. */
export async function lockBeforeBuild(
  p: Prepared,
  run: readonly ResolvedStep[],
  forced: ReadonlySet<string>,
  locked: boolean,
): Promise<MirrorIndex | undefined> {
  const willRun: ResolvedStep[] = [];
  for (const st of run) if (forced.has(st.key) || !(await p.store.has(st.id))) willRun.push(st);
  return checkBeforeBuild({
    lock: p.lock,
    status: p.lockStatus,
    locked,
    willRun,
    store: p.store,
    mirror: p.mirror,
  });
}

/**
 * After the steps ran: roots the lock did not cover (or `resolve` names) are recorded from what
 * was installed, and the plan's objects are adopted under the ids the new lock gives them.
 * Returns the plan as it now stands (ids from the lock on disk).
 */
export async function lockAfterBuild(
  p: Prepared,
  o: { prepare: PrepareOptions; index?: MirrorIndex; resolve?: ReadonlySet<string> },
): Promise<{ steps: ResolvedStep[]; report: LockReport }> {
  const record = new Set(
    o.resolve ?? p.lockStatus.roots.filter((r) => r.state !== "locked").map((r) => r.root),
  );
  const update = o.resolve !== undefined;
  const report: LockReport = {
    file: p.lock.file,
    written: false,
    resolved: [],
    stale: staleLines(p.lockStatus),
    adopted: [],
  };
  if (!record.size && !update) return { steps: p.steps, report };
  const written = await recordLock({
    lock: p.lock,
    steps: p.steps,
    record,
    dropStale: update,
    suite: p.loaded.deck.suite,
    epoch: p.epoch,
    store: p.store,
    mirror: p.mirror,
    index: o.index,
    deckName: p.loaded.deck.name,
  });
  if (!written) return { steps: p.steps, report };
  const next = await prepare({ ...o.prepare, resolve: undefined });
  report.written = true;
  report.resolved = [...record].filter((r) => written.roots[r]).sort();
  report.stale = staleLines(next.lockStatus);
  report.adopted = await adoptIds(p.store, p.steps, next.steps);
  return { steps: next.steps, report };
}
