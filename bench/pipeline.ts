import { cp, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseDocument, type YAMLSeq } from "yaml";
import { ROOT, row, timed } from "./run.ts";

interface Build {
  steps: { key: string; cached: boolean; seconds: number }[];
}

/**
 * Issue 3's figures, measured side by side in one run on a fresh store: cold build of the default
 * deck, a no-op rebuild, and a rebuild after one flavour's package list changed.
 */
export async function benchPipeline(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), "livedeck-bench-"));
  try {
    const decks = join(dir, "flavours");
    await cp(join(ROOT, "flavours"), decks, { recursive: true });
    const deck = join(decks, "demo.deck.yaml");
    const store = join(dir, "store");
    const common = ["--store", store, "--out", join(dir, "out")];

    const cold = await timed(["build", deck, ...common]);
    const noop = await timed(["build", deck, ...common]);
    // One added package: in a leaf flavour (server), then in a flavour another one layers on (jeos).
    const addPackage = async (flavour: string) => {
      const file = join(decks, `${flavour}.yaml`);
      const doc = parseDocument(await readFile(file, "utf8"));
      (doc.get("packages") as YAMLSeq).add("less");
      await writeFile(file, doc.toString());
      const r = await timed(["build", deck, ...common]);
      return { ...r, rebuilt: (r.json as Build).steps.filter((s) => !s.cached).map((s) => s.key) };
    };
    const leaf = await addPackage("server");
    const change = await addPackage("jeos");
    console.log("pipeline benchmark (default deck, fresh store, one run)");
    console.log(row("cold build", cold.seconds));
    console.log(row("no-op rebuild (goal ≤ 2 s)", noop.seconds, cold.seconds));
    console.log(row("server + less (goal ≤ 0.25× cold)", leaf.seconds, cold.seconds));
    console.log(`  rebuilt: ${leaf.rebuilt.join(", ")}`);
    console.log(row("jeos + less (server layers on it)", change.seconds, cold.seconds));
    console.log(`  rebuilt: ${change.rebuilt.join(", ")}`);
    console.log("  per step (cold):");
    for (const s of (cold.json as Build).steps) console.log(row(`    ${s.key}`, s.seconds));

    // Cold rootfs of minbase: empty .deb cache vs the warm cache the cold build left behind.
    const mini = join(ROOT, "test/fixtures/decks/mini/mini.deck.yaml");
    const emptyStore = join(dir, "empty");
    const warmStore = join(dir, "warm");
    await cp(join(store, "debs"), join(warmStore, "debs"), { recursive: true });
    const empty = await timed(["build", mini, "--store", emptyStore, "--stop-after", "rootfs:guest-base"]);
    const warm = await timed(["build", mini, "--store", warmStore, "--stop-after", "rootfs:guest-base"]);
    console.log(row("minbase rootfs, empty .deb cache", empty.seconds));
    console.log(row("minbase rootfs, warm .deb cache", warm.seconds, empty.seconds));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
