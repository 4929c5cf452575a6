import { UserError } from "../errors.ts";
import { loadDeck, type LoadedDeck } from "../deck/load.ts";
import { requireTools } from "../tools/doctor.ts";
import { packageVersions } from "../tools/doctor.ts";
import { TOOLS, type ToolName } from "../tools/registry.ts";
import { readDeckLock, type DeckLock } from "../lock/deck-lock.ts";
import { applyLock, lockStatus, type LockStatus } from "../lock/roots.ts";
import { resolveMirror } from "./mirror.ts";
import { planSteps } from "./plan.ts";
import { resolveIds, type ResolvedStep } from "./resolve.ts";
import { Store, defaultStoreDir } from "./store.ts";

/** Default SOURCE_DATE_EPOCH (2025-01-01) when the environment sets none: builds stay reproducible. */
export const DEFAULT_EPOCH = 1735689600;

export interface PrepareOptions {
  deck: string;
  store?: string;
  append?: string;
  /** Roots to resolve afresh, ignoring their lock entries (`lock --update`). */
  resolve?: ReadonlySet<string>;
  /** Outputs to make; default the deck's. */
  formats?: readonly string[];
  /** `livedeck install`: also plan this flavour's install roots. */
  install?: { flavour: string; xen: boolean };
}

export interface Prepared {
  loaded: LoadedDeck;
  steps: ResolvedStep[];
  store: Store;
  /** Absolute path of the deb822 sources file the build uses. */
  mirror: string;
  epoch: number;
  lock: DeckLock;
  /** How the lock covers the plan's roots (before `resolve`). */
  lockStatus: LockStatus;
}

/** SOURCE_DATE_EPOCH when set, else the lock's, else the default. ISO and FAT dates cannot go before 1980. */
export function epochFromEnv(env = process.env, fallback = DEFAULT_EPOCH): number {
  const v = env.SOURCE_DATE_EPOCH;
  if (v === undefined || v === "") return fallback;
  if (!/^\d+$/.test(v) || Number(v) < 315532800 || Number(v) >= 4102444800) {
    throw new UserError(
      `SOURCE_DATE_EPOCH=${v} is not a time between 1980 and 2099`,
      "unset it or give seconds since 1970, e.g. 1735689600",
    );
  }
  return Number(v);
}

/** Deck → plan → ids. Reads only: nothing is written until the caller runs the steps. */
export async function prepare(o: PrepareOptions): Promise<Prepared> {
  const loaded = await loadDeck(o.deck);
  const mirror = await resolveMirror(loaded.deck.mirror, loaded.dir);
  const lock = await readDeckLock(loaded.file, loaded.deck.suite);
  const epoch = epochFromEnv(process.env, lock.lock?.epoch);
  const planned = planSteps(loaded, { mirror, epoch, append: o.append ?? "", outputs: o.formats, install: o.install });
  const raw = applyLock(planned, lock.lock, o.resolve);
  const pkgs = raw.flatMap((s) => s.stage.tools.map((t) => TOOLS[t].pkg));
  const steps = await resolveIds(raw, await packageVersions(pkgs));
  return {
    loaded,
    steps,
    store: new Store(o.store ?? defaultStoreDir()),
    mirror,
    epoch,
    lock,
    lockStatus: lockStatus(planned, lock.lock),
  };
}

/** Preflight: every tool the given steps need, checked before anything is written. */
export async function preflight(steps: readonly ResolvedStep[]): Promise<void> {
  const tools = new Set<ToolName>(steps.flatMap((s) => [...s.stage.tools]));
  await requireTools(tools, "this build");
}
