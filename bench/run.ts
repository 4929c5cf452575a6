import { execa } from "execa";
import { cp, mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

export const ROOT = join(import.meta.dirname, "..");

/** Runs the real CLI and returns its wall-clock seconds and parsed --json output. */
export async function timed(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ seconds: number; json: unknown }> {
  const t0 = performance.now();
  const r = await execa("node", [join(ROOT, "bin/livedeck.js"), ...args, "--json"], {
    reject: false,
    env: { CI: "true", ...env },
    cwd: ROOT,
  });
  const seconds = (performance.now() - t0) / 1000;
  if (r.exitCode !== 0) throw new Error(`livedeck ${args.join(" ")} failed (${r.exitCode}):\n${r.stderr}`);
  return { seconds, json: JSON.parse(String(r.stdout)) };
}

export function row(name: string, seconds: number, base?: number): string {
  const ratio = base ? `  ${(seconds / base).toFixed(3)}×` : "";
  return `${name.padEnd(44)} ${seconds.toFixed(2).padStart(8)} s${ratio}`;
}

/** The store the CI-deck benches build into: LIVEDECK_BENCH_STORE, else the vm tests' warm one. */
export const BENCH_STORE = process.env.LIVEDECK_BENCH_STORE ?? join(ROOT, ".store-test");

/** What `livedeck build --json` prints. */
export interface Build {
  steps: { key: string; cached: boolean; seconds: number; report: Record<string, string | number> }[];
  outputs: { format: string; path: string }[];
}

/** `livedeck build DECK` into the bench store, its outputs in `out`, with `extra` options. */
export async function benchBuild(deck: string, out: string, ...extra: string[]): Promise<Build> {
  return (await timed(["build", deck, "--store", BENCH_STORE, "--out", out, ...extra])).json as Build;
}

/** A temp dir holding a private copy of flavours/ (a bench may edit it), and the CI deck's path in it. */
export async function ciDeckCopy(name: string): Promise<{ dir: string; deck: string }> {
  const dir = await mkdtemp(join(tmpdir(), `livedeck-bench-${name}-`));
  await cp(join(ROOT, "flavours"), join(dir, "flavours"), { recursive: true });
  return { dir, deck: join(dir, "flavours", "ci.deck.yaml") };
}
