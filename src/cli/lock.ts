import type { Command } from "commander";
import { UserError } from "../errors.ts";
import { lockAfterBuild, type LockReport } from "../lock/build-lock.ts";
import { rootOf } from "../lock/roots.ts";
import { ancestors, descendants } from "../pipeline/plan.ts";
import { preflight, prepare } from "../pipeline/prepare.ts";
import { runSteps } from "../pipeline/runner.ts";
import { DEFAULT_DECK } from "./build.ts";
import { printJson, rendererFor, table } from "./render.ts";
import { interruptSignal } from "./signals.ts";

/** What a build or `lock --update` tells the user about the lock, one line each. */
export function lockLines(r: LockReport): string[] {
  const lines: string[] = [];
  if (r.written) lines.push(`lock: wrote ${r.file} (resolved ${r.resolved.join(", ") || "nothing new"})`);
  for (const s of r.stale) lines.push(`lock: stale entry: ${s} (\`livedeck lock --update\` removes it)`);
  return lines;
}

export function registerLock(program: Command): void {
  program
    .command("lock")
    .description(
      "show how the deck's lock (<deck>.lock: exact package versions and .deb hashes) covers it, or re-resolve it",
    )
    .argument("[deck]", "deck file", DEFAULT_DECK)
    .option(
      "--update [root]",
      "re-resolve every root (dom0, guest-base, each flavour) from the mirror, or only ROOT and the flavours stacked on it; drops stale entries",
    )
    .option("--store <dir>", "content-addressed store (default: $XDG_CACHE_HOME/livedeck)")
    .option("-v, --verbose", "stream tool output")
    .option("--json", "print the result as JSON on stdout")
    .action(async (deck: string, o) => {
      const popts = { deck, store: o.store as string | undefined };
      const status = await prepare(popts);
      if (o.update === undefined) {
        const rows = status.lockStatus.roots.map((r) => ({
          root: r.root,
          state: r.state,
          packages: status.lock.lock?.roots[r.root]?.packages.length ?? 0,
          added: r.added,
          stale: r.stale,
        }));
        const out = {
          file: status.lock.file,
          exists: status.lock.lock !== null,
          release: status.lock.lock?.release ?? [],
          roots: rows,
          staleRoots: status.lockStatus.staleRoots,
        };
        if (o.json) return printJson(out);
        process.stdout.write(
          `${out.file}${out.exists ? "" : " (not written yet: the next build writes it)"}\n`,
        );
        for (const r of out.release) process.stdout.write(`  ${r.source}: ${r.date ?? "no date"}\n`);
        process.stdout.write(
          table([
            ["root", "state", "packages", "added", "stale"],
            ...rows.map((r) => [
              r.root,
              r.state,
              String(r.packages),
              r.added.join(" ") || "-",
              r.stale.join(" ") || "-",
            ]),
          ]),
        );
        for (const r of out.staleRoots)
          process.stdout.write(`stale root: ${r} (the deck no longer builds it)\n`);
        return;
      }
      const roots = status.steps.filter((s) => rootOf(s) !== undefined);
      let picked = roots;
      if (typeof o.update === "string") {
        const hit = roots.find((s) => rootOf(s) === o.update);
        if (!hit)
          throw new UserError(
            `lock --update ${o.update}: no such root in this deck`,
            `roots: ${roots.map((s) => rootOf(s)).join(", ")}`,
          );
        const down = descendants(status.steps, [hit]);
        picked = roots.filter((s) => down.has(s.key));
      }
      const resolve = new Set(picked.map((s) => rootOf(s)!));
      const p = await prepare({ ...popts, resolve });
      const targets = p.steps.filter((s) => resolve.has(rootOf(s) ?? ""));
      await preflight(ancestors(p.steps, targets) as typeof targets);
      await p.store.init();
      const unlock = await p.store.lock();
      try {
        const signal = interruptSignal();
        // each root is installed again even when its unpinned build is in the store: that is the point
        for (const t of targets)
          await runSteps(p.steps, {
            store: p.store,
            stopAfter: t.key,
            from: t.key,
            verbose: o.verbose,
            renderer: rendererFor(Boolean(o.json)),
            signal,
          });
        const { report } = await lockAfterBuild(p, { prepare: popts, resolve });
        if (o.json) return printJson(report);
        for (const line of lockLines(report)) process.stderr.write(`${line}\n`);
        if (!report.written) process.stderr.write(`lock: ${report.file} unchanged\n`);
      } finally {
        await unlock();
      }
    });
}
