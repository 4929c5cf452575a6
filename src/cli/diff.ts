import type { Command } from "commander";
import { readFile } from "node:fs/promises";
import { UserError } from "../errors.ts";
import { changeCells, diffManifests, Manifest, type Change } from "../manifest/manifest.ts";
import { printJson, table } from "./render.ts";

/** A manifest path, or an ISO's: out/<deck>.iso → out/<deck>.manifest.json. */
export function manifestPathFor(arg: string): string {
  return arg.endsWith(".iso") ? `${arg.slice(0, -4)}.manifest.json` : arg;
}

async function readManifest(arg: string): Promise<Manifest> {
  const path = manifestPathFor(arg);
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch {
    throw new UserError(
      `no manifest at ${path}`,
      "every `livedeck build` that reaches the ISO writes one beside it; build again",
    );
  }
  const r = Manifest.safeParse(JSON.parse(text));
  if (!r.success)
    throw new UserError(
      `${path}: not a livedeck manifest (${r.error.issues[0]!.path.join(".")}: ${r.error.issues[0]!.message})`,
    );
  return r.data;
}

/** One summary line: how many of each kind differ. */
export function diffSummary(changes: readonly Change[]): string {
  if (!changes.length) return "identical: same stages, packages and medium bytes";
  const n = (k: Change["kind"]) => changes.filter((c) => c.kind === k).length;
  const iso = n("iso") ? "the ISOs differ" : "the ISOs are identical";
  return `${n("stage")} stages, ${n("package")} packages, ${n("file")} medium files differ; ${iso}`;
}

export function registerDiff(program: Command): void {
  program
    .command("diff")
    .description(
      "compare two builds by their manifests (out/<deck>.manifest.json): stages, packages, medium files",
    )
    .argument("<a>", "a manifest, or an ISO with its manifest beside it")
    .argument("<b>", "the other build's manifest or ISO")
    .option("--json", "print the differences as JSON on stdout")
    .action(async (a: string, b: string, o) => {
      const changes = diffManifests(await readManifest(a), await readManifest(b));
      if (o.json)
        return printJson({
          a: manifestPathFor(a),
          b: manifestPathFor(b),
          identical: changes.length === 0,
          changes,
        });
      if (changes.length)
        process.stdout.write(table([["kind", "what", "a", "b"], ...changes.map(changeCells)]));
      process.stdout.write(`${diffSummary(changes)}\n`);
    });
}
