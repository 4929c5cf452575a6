import { join } from "node:path";
import { UserError } from "../errors.ts";
import { STAGES, type StageName } from "../stages/index.ts";
import type { Stage } from "./stage.ts";

/** One step of a build: a stage, its options and the steps bound to its consumed roles. */
export interface Step {
  key: string;
  stage: Stage;
  options: unknown;
  /** role → key of the upstream step */
  consumes: Record<string, string>;
}

/** Where the project's own files live (templates, initrd skeletons). */
export const PROJECT_ROOT = join(import.meta.dirname, "..", "..");

export interface PlanSettings {
  /** Absolute path of the deb822 sources file (resolved from deck.mirror). */
  mirror: string;
  /** SOURCE_DATE_EPOCH for every artifact. */
  epoch: number;
  /** Extra dom0 kernel arguments for the default entry (`build --append`). */
  append: string;
  /** Outputs to make (`build --format`); default the deck's `outputs`. Steps only some outputs need follow them. */
  outputs?: readonly string[];
  /** `livedeck install`: plan this flavour's install roots (src/pipeline/plan-install.ts). */
  install?: { flavour: string; xen: boolean };
}

/** A step of `name` with its options checked against the stage's schema. */
export function step<N extends StageName>(
  key: string,
  name: N,
  options: unknown,
  consumes: Record<string, string> = {},
): Step {
  const stage = STAGES[name];
  if (!stage) throw new Error(`plan: unknown stage ${name}`);
  const r = stage.options.safeParse(options);
  if (!r.success) {
    // Options come from a validated deck; what still fails here is a command-line value (--append).
    const first = r.error.issues[0]!;
    throw new UserError(
      `${key}: ${first.path.join(".")}: ${first.message}`,
      "check the values given on the command line",
    );
  }
  return { key, stage, options: r.data, consumes };
}
