import { Command, Option } from "commander";
import { build } from "../pipeline/build.ts";
import { OUTPUT_NAMES, type OutputName } from "../pipeline/outputs.ts";
import { humanBytes, printJson, rendererFor, table } from "./render.ts";
import { interruptSignal } from "./signals.ts";
import { statSync } from "node:fs";
import { lockLines } from "./lock.ts";

export const DEFAULT_DECK = "flavours/demo.deck.yaml";

export function registerBuild(program: Command): void {
  program
    .command("build")
    .description("build a deck into out/<name>.iso (resumes from the store: only what changed runs)")
    .argument("[deck]", "deck file", DEFAULT_DECK)
    .option("--store <dir>", "content-addressed store (default: $XDG_CACHE_HOME/livedeck)")
    .option("--out <dir>", "where outputs are written", "out")
    .option("--stop-after <stage>", "stop once this stage (a step key like layer:jeos, or a stage name) is built")
    .option("--from <stage>", "re-run this stage and everything downstream, even if cached")
    .option("--force", "re-run every stage")
    .option("--append <args>", "extra dom0 kernel arguments for the default boot entry", "")
    .addOption(new Option("--format <formats...>", "outputs to write instead of the deck's `outputs`").choices(OUTPUT_NAMES))
    .option("--locked", "refuse to build unless the deck's lock (<deck>.lock) covers it exactly; never write the lock")
    .option("-v, --verbose", "stream tool output")
    .option("--json", "print the result as JSON on stdout")
    .action(async (deck: string, o) => {
      const result = await build({
        deck,
        store: o.store,
        outDir: o.out,
        stopAfter: o.stopAfter,
        from: o.from,
        force: o.force,
        append: o.append,
        formats: o.format as OutputName[] | undefined,
        verbose: o.verbose,
        locked: o.locked,
        renderer: rendererFor(Boolean(o.json)),
        signal: interruptSignal(),
      });
      if (o.json) return printJson(result);
      const rows = [["step", "result", "seconds"], ...result.steps.map((s) => [s.key, s.cached ? "cached" : "built", s.seconds.toFixed(1)])];
      process.stderr.write(table(rows));
      for (const line of lockLines(result.lock)) process.stderr.write(`${line}\n`);
      for (const out of result.outputs) process.stderr.write(`${out.format}: ${out.path} (${humanBytes(statSync(out.path).size)})\n`);
      process.stderr.write(`done in ${result.seconds.toFixed(1)} s\n`);
    });
}
