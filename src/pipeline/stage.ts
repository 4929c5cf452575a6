import type { z } from "zod";
import type { ExecOptions, ExecResult } from "../tools/exec.ts";
import type { ToolName } from "../tools/registry.ts";

/** What a stage's run() gets. It writes only into `out`, a fresh temp dir. */
export interface StageContext<O> {
  /** Plan key of this step, e.g. "rootfs:dom0". */
  key: string;
  id: string;
  options: O;
  out: string;
  /** Output dir of the step bound to one of the stage's `consumes` roles. */
  input(role: string): string;
  /** Shared caches that do not affect output (downloaded .debs). */
  cache: { debs: string };
  /** Runs a host tool on behalf of this step (stage name, -v streaming and cancellation filled in). */
  exec(argv: readonly string[], opts?: Omit<ExecOptions, "stage">): Promise<ExecResult>;
  /** A progress line (shown under the step; with -v also tool output). */
  log(line: string): void;
  signal: AbortSignal;
}

/** A summary the stage reports (sizes, counts), stored with the artifact and shown by `plan`. */
export type StageReport = Record<string, string | number>;

export interface Stage<S extends z.ZodTypeAny = z.ZodTypeAny> {
  name: string;
  /** Bump when run() changes what it writes: it is part of every id. */
  version: number;
  summary: string;
  options: S;
  /** Roles of upstream steps this stage reads (bound per step by the plan). */
  consumes: readonly string[];
  /** Files and templates read by run(), as absolute paths derived from options: hashed into the id. */
  inputs(options: z.infer<S>): string[];
  tools: readonly ToolName[];
  run(ctx: StageContext<z.infer<S>>): Promise<StageReport | void>;
}

/** Helper that keeps each stage file's object typed against its own schema. */
export function defineStage<S extends z.ZodTypeAny>(stage: Stage<S>): Stage<S> {
  return stage;
}
