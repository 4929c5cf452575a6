import { Listr, PRESET_TIMER, type ListrTaskWrapper } from "listr2";
import { InterruptedError, ToolError } from "../errors.ts";
import { exec } from "../tools/exec.ts";
import { ancestors, descendants, selectSteps } from "./plan.ts";
import type { ResolvedStep } from "./resolve.ts";
import type { Store } from "./store.ts";

export interface RunOptions {
  store: Store;
  /** Build only what this step (or stage) needs, then stop. */
  stopAfter?: string;
  /** Re-run this step (or stage) and everything downstream, cached or not. */
  from?: string;
  /** Re-run every step. */
  force?: boolean;
  verbose?: boolean;
  /** "tty": animated; "plain": one line per event (not a TTY, CI); "silent": --json. */
  renderer: "tty" | "plain" | "silent";
  signal: AbortSignal;
}

export interface StepResult {
  key: string;
  stage: string;
  id: string;
  cached: boolean;
  seconds: number;
  report: Record<string, string | number>;
}

/** Which steps run and which are forced; pure, so `plan` shows exactly what `build` would do. */
export function selectRun(steps: readonly ResolvedStep[], o: Pick<RunOptions, "stopAfter" | "from" | "force">) {
  const targets = o.stopAfter ? selectSteps(steps, o.stopAfter, "--stop-after") : steps;
  const run = ancestors(steps, targets) as ResolvedStep[];
  const forced = o.force ? new Set(steps.map((s) => s.key)) : o.from ? descendants(steps, selectSteps(steps, o.from, "--from")) : new Set<string>();
  return { run, forced };
}

/** Runs the plan's steps in order; a finished step is committed to the store before the next starts. */
export async function runSteps(steps: readonly ResolvedStep[], o: RunOptions): Promise<StepResult[]> {
  const { run, forced } = selectRun(steps, o);
  const results: StepResult[] = [];
  const byKey = new Map(steps.map((s) => [s.key, s]));

  const runOne = async (st: ResolvedStep, task: ListrTaskWrapper<unknown, never, never>) => {
    if (!forced.has(st.key) && (await o.store.has(st.id))) {
      const info = await o.store.info(st.id);
      results.push({ key: st.key, stage: st.stage.name, id: st.id, cached: true, seconds: 0, report: info?.report ?? {} });
      task.skip(`${st.key} cached (${st.id.slice(0, 12)})`);
      return;
    }
    const started = Date.now();
    const tmp = await o.store.begin();
    const log = (line: string) => {
      task.output = line;
    };
    try {
      const report =
        (await st.stage.run({
          key: st.key,
          id: st.id,
          options: st.options,
          out: `${tmp}/out`,
          input: (role) => {
            const key = st.consumes[role];
            if (!key) throw new Error(`${st.key}: stage ${st.stage.name} has no role ${role}`);
            return o.store.outDir(byKey.get(key)!.id);
          },
          cache: { debs: o.store.debCache },
          exec: (argv, eo) => exec(argv, { ...eo, stage: st.key, signal: o.signal, onLine: o.verbose ? log : eo?.onLine }),
          log,
          signal: o.signal,
        })) ?? {};
      const seconds = (Date.now() - started) / 1000;
      await o.store.commit(tmp, { id: st.id, key: st.key, stage: st.stage.name, created: new Date().toISOString(), seconds, report });
      results.push({ key: st.key, stage: st.stage.name, id: st.id, cached: false, seconds, report });
    } catch (e) {
      await o.store.discard(tmp);
      if (o.signal.aborted) throw new InterruptedError();
      throw e;
    }
  };

  const list = new Listr(
    run.map((st) => ({
      title: `${st.key}${forced.has(st.key) ? " (forced)" : ""}`,
      task: (_: unknown, task: ListrTaskWrapper<unknown, never, never>) => runOne(st, task),
      rendererOptions: { bottomBar: o.verbose ? 8 : 1, persistentOutput: false },
    })) as never,
    {
      concurrent: false,
      exitOnError: true,
      registerSignalListeners: false,
      renderer: o.renderer === "tty" ? "default" : o.renderer === "plain" ? "simple" : "silent",
      rendererOptions: { timer: PRESET_TIMER, collapseSkips: false },
      fallbackRendererOptions: { timer: PRESET_TIMER },
    } as never,
  );
  await list.run();
  return results;
}

export { ToolError };
