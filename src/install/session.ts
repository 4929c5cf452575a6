import { exec, type ExecResult } from "../tools/exec.ts";
import { INSTALL_STEPS, type InstallOptions, type InstallStep } from "./api.ts";

/** Share of the whole install each step takes (roughly, on a jeos-sized flavour). */
const WEIGHT: Record<InstallStep, number> = {
  check: 1,
  partition: 2,
  format: 5,
  copy: 60,
  configure: 5,
  initramfs: 15,
  bootloader: 10,
  finish: 2,
};
const TOTAL = Object.values(WEIGHT).reduce((a, b) => a + b, 0);

/** The overall fraction when `step` is `within` (0 … 1) done. */
export function overallFraction(step: InstallStep, within: number): number {
  let before = 0;
  for (const s of INSTALL_STEPS) {
    if (s === step) break;
    before += WEIGHT[s];
  }
  const f = (before + WEIGHT[step] * Math.min(1, Math.max(0, within))) / TOTAL;
  return Math.round(f * 1000) / 1000;
}

/**
 * One install's running state: the current step, progress (never going back), the timing of each
 * step, and what to undo (mounts, loop devices), newest first.
 */
export class InstallSession {
  step: InstallStep = "check";
  readonly seconds: Partial<Record<InstallStep, number>> = {};
  private started = Date.now();
  private last = 0;
  private undo: { what: string; fn: () => Promise<unknown> }[] = [];

  constructor(readonly o: InstallOptions) {}

  enter(step: InstallStep, message: string): void {
    this.seconds[this.step] = (Date.now() - this.started) / 1000;
    this.step = step;
    this.started = Date.now();
    this.progress(0, message);
  }

  progress(within: number, message: string): void {
    const fraction = Math.max(this.last, overallFraction(this.step, within));
    this.last = fraction;
    this.o.onProgress?.({ step: this.step, fraction, message });
  }

  done(): void {
    this.seconds[this.step] = (Date.now() - this.started) / 1000;
  }

  /** Runs a tool; `undo` ones (unmount, detach, wipe) run even after an abort. */
  run(
    argv: readonly string[],
    opts: {
      input?: string | Buffer;
      onLine?: (l: string) => void;
      env?: Record<string, string>;
      undo?: boolean;
    } = {},
  ): Promise<ExecResult> {
    if (!opts.undo && this.o.signal?.aborted) return Promise.reject(new Error("cancelled"));
    const onLine = (l: string) => {
      opts.onLine?.(l);
      this.o.onLine?.(l);
    };
    return exec(argv, {
      stage: `install ${this.step}`,
      signal: opts.undo ? undefined : this.o.signal,
      input: opts.input,
      env: opts.env,
      onLine,
    });
  }

  /** Registers an undo action (unmount, detach) to run at the end, success or not. */
  onCleanup(what: string, fn: () => Promise<unknown>): void {
    this.undo.unshift({ what, fn });
  }

  /** Runs every undo action, newest first; returns the ones that failed. */
  async cleanup(): Promise<string[]> {
    const failed: string[] = [];
    for (const u of this.undo.splice(0))
      await u.fn().catch((e: Error) => failed.push(`${u.what}: ${e.message}`));
    return failed;
  }
}
