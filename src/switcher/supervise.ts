import { spawn } from "node:child_process";
import { appendFileSync, mkdirSync } from "node:fs";
import { dirname } from "node:path";

/**
 * `switcher --supervise`: runs the switcher as a child and starts it again when it crashes, so
 * the console never stays without it. The child's stderr (a crash's stack) goes to the crash log
 * instead of the screen, which the restarted switcher would paint over.
 */
export const CRASH_LOG = "/var/log/livedeck/switcher.log";

/** Waits before restart n (1-based): quick at first, then slower, so a crash loop cannot spin. */
export function restartDelayMs(n: number): number {
  return Math.min(30_000, 500 * 2 ** Math.max(0, n - 1));
}

/**
 * A child that crashes this many times in a row, each within QUICK_CRASH_MS of its start, cannot
 * start at all (a broken bundle or runtime): the supervisor gives up, so dom0's switcher-up can
 * give the console to a shell instead of a blank screen. Generous: Node starts slowly under TCG.
 */
export const QUICK_CRASHES = 4;
export const QUICK_CRASH_MS = 60_000;

export interface SuperviseOptions {
  logFile: string;
  /** Stop after this many restarts (tests); default: never. */
  maxRestarts?: number;
  now?: () => Date;
  quickCrashMs?: number;
}

/** Returns the child's exit code once it exits cleanly (0, the person quit) or restarts run out. */
export async function supervise(argv: readonly string[], o: SuperviseOptions): Promise<number> {
  const log = (line: string) => {
    try {
      mkdirSync(dirname(o.logFile), { recursive: true });
      appendFileSync(o.logFile, `${(o.now?.() ?? new Date()).toISOString()} ${line}\n`);
    } catch {
      // Nowhere to log (read-only /var): keep supervising anyway.
    }
  };
  let quick = 0;
  for (let restarts = 0; ; restarts++) {
    const started = Date.now();
    const { code, signal, stderr } = await runOnce(argv);
    if (code === 0) return 0;
    log(
      `switcher ${signal ? `killed by ${signal}` : `exited with code ${code}`}${stderr ? `:\n${stderr.trimEnd()}` : ""}`,
    );
    if (o.maxRestarts !== undefined && restarts >= o.maxRestarts) return code ?? 1;
    quick = Date.now() - started < (o.quickCrashMs ?? QUICK_CRASH_MS) ? quick + 1 : 0;
    if (quick >= QUICK_CRASHES) {
      log(`giving up: it crashed ${quick} times in a row right after starting`);
      return code || 1;
    }
    const wait = restartDelayMs(restarts + 1);
    log(`restarting in ${wait} ms (restart ${restarts + 1})`);
    await new Promise((r) => setTimeout(r, wait));
  }
}

function runOnce(
  argv: readonly string[],
): Promise<{ code: number | null; signal: string | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(argv[0]!, argv.slice(1), { stdio: ["inherit", "inherit", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => (stderr = (stderr + d.toString()).slice(-16_384)));
    child.on("error", (e) => resolve({ code: 127, signal: null, stderr: e.message }));
    child.on("close", (code, signal) => resolve({ code, signal, stderr }));
  });
}
