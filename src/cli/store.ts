import type { Command } from "commander";
import { diskUsage } from "../pipeline/du.ts";
import { prepare } from "../pipeline/prepare.ts";
import { Store, defaultStoreDir } from "../pipeline/store.ts";
import { DEFAULT_DECK } from "./build.ts";
import { humanBytes, printJson, table } from "./render.ts";

export function registerStore(program: Command): void {
  const store = program.command("store").description("inspect and clean the content-addressed store");
  store
    .command("ls")
    .description("list stored artifacts")
    .option("--store <dir>", "store directory (default: $XDG_CACHE_HOME/livedeck)")
    .option("--json", "print as JSON on stdout")
    .action(async (o) => {
      const s = new Store(o.store ?? defaultStoreDir());
      const items = await Promise.all(
        (await s.list()).map(async (i) => ({ ...i, bytes: await diskUsage(s.outDir(i.id)) })),
      );
      items.sort((a, b) => a.created.localeCompare(b.created));
      if (o.json) return printJson(items);
      process.stdout.write(
        table([["id", "step", "created", "build s", "size"], ...items.map((i) => [i.id.slice(0, 12), i.key, i.created, i.seconds.toFixed(1), humanBytes(i.bytes)])]),
      );
    });
  store
    .command("gc")
    .description("remove artifacts the given decks' current plans do not use, and leftovers of killed builds")
    .argument("[decks...]", "decks whose artifacts are kept", [DEFAULT_DECK])
    .option("--store <dir>", "store directory (default: $XDG_CACHE_HOME/livedeck)")
    .option("--json", "print as JSON on stdout")
    .action(async (decks: string[], o) => {
      const s = new Store(o.store ?? defaultStoreDir());
      const keep = new Set<string>();
      for (const d of decks) for (const st of (await prepare({ deck: d, store: s.root })).steps) keep.add(st.id);
      await s.init();
      const unlock = await s.lock();
      try {
        const r = await s.gc(keep);
        if (o.json) return printJson(r);
        process.stderr.write(`removed ${r.removed.length} artifacts and ${r.tmp} unfinished temp dirs; kept ${keep.size}\n`);
        for (const b of r.busy) process.stderr.write(`left ${b}: something is still mounted inside it (a build still running?)\n`);
      } finally {
        await unlock();
      }
    });
  void humanBytes;
}
