import { mkdtemp } from "node:fs/promises";
import { join } from "node:path";
import type { z } from "zod";
import type { Stage, StageContext, StageReport } from "../../src/pipeline/stage.ts";
import { exec } from "../../src/tools/exec.ts";

/** Runs one stage's run() the way the runner does, without a plan or store: for tools-tier tests. */
export async function runStage<S extends z.ZodTypeAny>(
  stage: Stage<S>,
  options: z.input<S>,
  o: { dir: string; inputs?: Record<string, string>; debs: string },
): Promise<{ out: string; report: StageReport | void; log: string[] }> {
  const out = await mkdtemp(join(o.dir, `${stage.name}-`));
  const log: string[] = [];
  const signal = new AbortController().signal;
  const ctx: StageContext<z.infer<S>> = {
    key: `${stage.name}:test`,
    id: "test",
    options: stage.options.parse(options),
    out,
    input: (role) => {
      const dir = o.inputs?.[role];
      if (!dir) throw new Error(`no input for role ${role}`);
      return dir;
    },
    cache: { debs: o.debs },
    exec: (argv, eo) => exec(argv, { ...eo, stage: `${stage.name}:test`, signal }),
    log: (l) => log.push(l),
    signal,
  };
  return { out, report: await stage.run(ctx), log };
}
