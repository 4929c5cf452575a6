import { execa } from "execa";
import { join } from "node:path";

export const ROOT = join(import.meta.dirname, "..");

/** Runs the real CLI and returns its wall-clock seconds and parsed --json output. */
export async function timed(args: string[], env: Record<string, string> = {}): Promise<{ seconds: number; json: unknown }> {
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
