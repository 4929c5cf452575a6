import { appendFile } from "node:fs/promises";
import { BootFailed } from "./errors.ts";
import type { SeenLine } from "./expect.ts";
import { DOM0_READY } from "./markers.ts";
import { startBoot, type BootSession, type SessionOptions } from "./session.ts";

/**
 * A boot retried because it stalled before dom0 came up: once in dozens of TCG boots the dom0 kernel
 * stays silent after Xen's "about to get started..." on a loaded 2-core host. That is the one
 * failure booted again; anything after LIVEDECK-DOM0-READY (a guest, a test hook, an assertion) is
 * the medium's own verdict and never retried.
 */
export interface StallRetry {
  attempt: number;
  /** The stalled boot's failure detail (one line). */
  detail: string;
  /** The stalled boot's console log, kept for a look. */
  console: string;
}

/** Env var naming a file that gets one JSON line per retry (the test run prints them at its end). */
export const STALL_REPORT_ENV = "LIVEDECK_STALL_REPORT";

/** Whether `e` is a boot that stalled before dom0 came up: silence, not a panic or a verdict. */
export function isDom0Stall(e: unknown): e is BootFailed {
  return e instanceof BootFailed && e.reason === "timeout" && e.awaited === DOM0_READY;
}

/** Where attempt N (from 1) keeps its logs: the asked-for dir, then a sibling per retry. */
export function attemptLogDir(logDir: string | undefined, attempt: number): string | undefined {
  return logDir === undefined || attempt === 1 ? logDir : `${logDir}-retry${attempt - 1}`;
}

export interface Dom0Boot {
  session: BootSession;
  dom0: SeenLine;
  retries: StallRetry[];
}

/**
 * Starts the boot and waits up to `timeoutMs` for LIVEDECK-DOM0-READY; a boot that stalled before
 * it is stopped, reported (STALL_REPORT_ENV, `onRetry`) and started once more from scratch
 * (`fresh` first, e.g. a new scratch disk). Any other failure, or a second stall, is thrown with
 * the session stopped. The caller owns the returned session and stops it.
 */
export async function startToDom0(
  o: SessionOptions,
  timeoutMs: number,
  hooks: { attempts?: number; fresh?(attempt: number): Promise<void>; onRetry?(r: StallRetry): void } = {},
): Promise<Dom0Boot> {
  const attempts = hooks.attempts ?? 2;
  const retries: StallRetry[] = [];
  for (let attempt = 1; ; attempt++) {
    await hooks.fresh?.(attempt);
    const session = await startBoot({ ...o, logDir: attemptLogDir(o.logDir, attempt) });
    try {
      const dom0 = await session.expect(DOM0_READY, timeoutMs);
      return { session, dom0, retries };
    } catch (e) {
      await session.stop();
      if (!isDom0Stall(e) || attempt >= attempts) throw e;
      const r = { attempt, detail: e.detail, console: session.logs.console };
      retries.push(r);
      hooks.onRetry?.(r);
      await reportStall(r, o);
    }
  }
}

async function reportStall(r: StallRetry, o: SessionOptions): Promise<void> {
  const file = process.env[STALL_REPORT_ENV];
  if (!file) return;
  const line = { ...r, medium: o.iso, at: new Date().toISOString() };
  await appendFile(file, JSON.stringify(line) + "\n");
}

/** The report file's lines, as the run's summary prints them. */
export function formatStallReport(text: string): string[] {
  return text
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l) as StallRetry & { medium: string })
    .map(
      (r) =>
        `retried a boot of ${r.medium} that stalled before dom0 was ready: ${r.detail} (console: ${r.console})`,
    );
}
