import type { Command } from "commander";
import { diskUsage } from "../pipeline/du.ts";
import { prepare } from "../pipeline/prepare.ts";
import { selectRun } from "../pipeline/runner.ts";
import { DEFAULT_DECK } from "./build.ts";
import { humanBytes, printJson, table } from "./render.ts";

export function registerPlan(program: Command): void {
  program
    .command("plan")
    .description("show the deck's stages, their ids, and which are already in the store")
    .argument("[deck]", "deck file", DEFAULT_DECK)
    .option("--store <dir>", "content-addressed store (default: $XDG_CACHE_HOME/livedeck)")
    .option("--stop-after <stage>", "as for build: show only what this stage needs")
    .option("--from <stage>", "as for build: mark this stage and what follows as forced")
    .option("--json", "print the plan as JSON on stdout")
    .action(async (deck: string, o) => {
      const { steps, store } = await prepare({ deck, store: o.store });
      const { run, forced } = selectRun(steps, o);
      const rows = await Promise.all(
        run.map(async (s) => {
          const cached = await store.has(s.id);
          return {
            key: s.key,
            stage: s.stage.name,
            id: s.id,
            cached,
            willRun: forced.has(s.key) || !cached,
            bytes: cached ? await diskUsage(store.outDir(s.id)) : null,
            consumes: s.consumes,
          };
        }),
      );
      if (o.json) return printJson({ store: store.root, steps: rows });
      process.stdout.write(
        table([
          ["stage", "id", "cached", "size", "summary"],
          ...rows.map((r, i) => [
            r.key,
            r.id.slice(0, 12),
            r.cached ? (r.willRun ? "yes (forced)" : "yes") : "no",
            r.bytes === null ? "-" : humanBytes(r.bytes),
            run[i]!.stage.summary,
          ]),
        ]),
      );
    });
}
