import type { GuestSaved, SaveWhere } from "../dom0/guest-save.ts";
import type { GuestStarted } from "../dom0/guest-start.ts";
import type { RunOptions } from "../dom0/run.ts";
import type { Xenstore } from "../dom0/xenstore.ts";
import type { Xl } from "../dom0/xl.ts";
import type { Effect } from "./keys.ts";
import type { OpKind } from "./model.ts";
import { XS_ORIGIN } from "./poll.ts";

/** What an action may touch: the Xen wrappers, the log pane, the in-flight table. */
export interface ActionContext {
  xl: Xl;
  xs: Xenstore;
  log: (line: string) => void;
  now: () => number;
  ops: Map<string, { kind: OpKind; sinceMs: number; abort: AbortController }>;
  failures: Map<string, string>;
  shutdownTimeoutMs: number;
  /** Show the new in-flight state now. */
  redraw: () => void;
  /** An action of this kind finished: refresh now. */
  changed: (kind: OpKind) => Promise<void>;
  /** A clean shutdown timed out: ask the person whether to destroy. */
  askDestroy: (name: string, waitedS: number) => void;
  /** The guest's xl config on the medium (restart starts it again from there). */
  configOf: (name: string) => string | null;
  /** dom0's guest-start: restored from a saved state when one fits, else cold (src/dom0/guest-start.ts). */
  startGuest: (name: string, configPath: string, opts?: RunOptions) => Promise<GuestStarted>;
  /** dom0's guest-save: the guest stops, its memory goes to RAM or a LIVEDECK-SAVE disk (src/dom0/guest-save.ts). */
  saveGuest: (name: string, where: SaveWhere) => Promise<GuestSaved>;
  /** Runs a follow-up effect (restart = shutdown, then start). */
  start: (e: Effect) => Promise<void>;
}

type ActionEffect = Extract<Effect, { kind: OpKind }>;

const secs = (ms: number) => (ms / 1000).toFixed(1);

/**
 * Runs one guest action in the background: the row shows it as in flight, `c` cancels it, its
 * errors (xl's own message) go to the log pane and the UI keeps running.
 */
export async function runAction(effect: Effect, ctx: ActionContext): Promise<void> {
  if (!isAction(effect)) return;
  const { name } = effect;
  if (ctx.ops.has(name)) return ctx.log(`${name}: ${ctx.ops.get(name)!.kind} is still in progress`);
  const abort = new AbortController();
  const since = ctx.now();
  ctx.ops.set(name, { kind: effect.kind, sinceMs: since, abort });
  ctx.failures.delete(name);
  ctx.redraw();
  let next: Effect | null = null;
  try {
    next = await perform(effect, ctx, abort.signal);
    if (abort.signal.aborted) ctx.log(`${name}: ${effect.kind} cancelled after ${secs(ctx.now() - since)} s`);
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    if (abort.signal.aborted) ctx.log(`${name}: ${effect.kind} cancelled after ${secs(ctx.now() - since)} s`);
    else {
      ctx.failures.set(name, msg);
      ctx.log(`error: ${msg}`);
    }
  } finally {
    // In flight until the list shows the result: a second `p` on a row that still reads
    // "running" would pause twice, and Xen counts pauses (one unpause would not undo both).
    await ctx.changed(effect.kind).catch(() => undefined);
    ctx.ops.delete(name);
    ctx.redraw();
  }
  if (next) await ctx.start(next);
}

function isAction(e: Effect): e is ActionEffect {
  return ["start", "shutdown", "destroy", "restart", "pause", "unpause", "save"].includes(e.kind);
}

async function perform(
  effect: ActionEffect,
  ctx: ActionContext,
  signal: AbortSignal,
): Promise<Effect | null> {
  const { name } = effect;
  const t0 = ctx.now();
  switch (effect.kind) {
    case "start":
    {
      ctx.log(`${name}: starting from ${effect.configPath} (its saved state when one fits)`);
      let started: GuestStarted;
      try {
        started = await ctx.startGuest(name, effect.configPath, { signal });
      } catch (e) {
        // A cancelled start can leave a half-built domain behind.
        if (signal.aborted) await ctx.xl.destroy(name).catch(() => undefined);
        throw e;
      }
      await markOrigin(ctx, name, started.how);
      if (started.how === "restored") ctx.log(`${name}: restored in ${secs(ctx.now() - t0)} s, ready`);
      else ctx.log(`${name}: created in ${secs(ctx.now() - t0)} s, booting (cold: ${started.reason ?? "no reason given"})`);
      return null;
    }
    case "save": {
      // Not cancellable: killing xl save halfway would leave the guest suspended.
      ctx.log(`${name}: saving to ${effect.where === "ram" ? "dom0's RAM" : "the LIVEDECK-SAVE disk"}`);
      const r = await ctx.saveGuest(name, effect.where);
      if (!r.saved) throw new Error(`${name}: not saved: ${r.reason}`);
      const mib = (r.bytes / 2 ** 20).toFixed(1);
      ctx.log(`${name}: saved to ${r.where} in ${secs(ctx.now() - t0)} s (${mib} MiB); s restores it`);
      return null;
    }
    case "pause":
      await ctx.xl.pause(name, { signal });
      ctx.log(`${name}: paused`);
      return null;
    case "unpause":
      await ctx.xl.unpause(name, { signal });
      ctx.log(`${name}: resumed`);
      return null;
    case "destroy":
      await ctx.xl.destroy(name, { signal });
      ctx.log(`${name}: destroyed`);
      return null;
    case "shutdown":
    case "restart": {
      ctx.log(`${name}: shutting down (up to ${secs(ctx.shutdownTimeoutMs)} s)`);
      const outcome = await ctx.xl.shutdown(name, { timeoutMs: ctx.shutdownTimeoutMs, signal });
      if (outcome === "timeout") {
        ctx.log(`${name}: still running after ${secs(ctx.now() - t0)} s`);
        ctx.askDestroy(name, Math.round((ctx.now() - t0) / 1000));
        return null;
      }
      if (outcome === "cancelled") return null;
      ctx.log(`${name}: shut down in ${secs(ctx.now() - t0)} s`);
      // on_poweroff=destroy removes it; a domain left shut down must go before it can start again.
      const left = (await ctx.xl.list({ signal })).find((d) => d.name === name);
      if (left) await ctx.xl.destroy(name, { signal });
      return effect.kind === "restart" ? await restartEffect(ctx, name) : null;
    }
  }
}

async function restartEffect(ctx: ActionContext, name: string): Promise<Effect | null> {
  const cfg = ctx.configOf(name);
  if (!cfg) {
    ctx.log(`${name}: no config on the medium to start it again`);
    return null;
  }
  return { kind: "start", name, configPath: cfg };
}

/** Records (in xenstore, where the guest cannot write) whether this guest was restored or cold-booted. */
async function markOrigin(ctx: ActionContext, name: string, how: GuestStarted["how"]): Promise<void> {
  const d = (await ctx.xl.list()).find((x) => x.name === name);
  if (d) await ctx.xs.write(XS_ORIGIN(d.id), how).catch((e: Error) => ctx.log(`warning: ${e.message}`));
}
