/** Why a boot failed: the medium's own verdict, a panic, silence, or QEMU going away. */
export type BootFailure = "timeout" | "test-failed" | "guest-failed" | "panic" | "qemu-exited";

import type { TimelineEntry } from "./timeline.ts";

export interface BootLogs {
  console: string;
  events: string;
  qemu: string;
}

/** Console lines a BootFailed's message carries, for reports that show only the message (CI logs). */
const MESSAGE_TAIL = 15;

/**
 * A booted medium did not show what was expected. Exit code 1, like a failed build; `detail` is
 * one line and `tail` holds the last console lines the person needs to see why. The message is the
 * detail plus the end of that tail, so a test runner's report of the error alone says why too.
 */
export class BootFailed extends Error {
  /** Where the whole console, events and QEMU stderr were written (set by the boot session). */
  logs?: BootLogs;
  /** QEMU's last stderr lines, when QEMU itself exited. */
  qemuStderr?: string;
  /** What the boot got to before it failed. */
  timeline?: readonly TimelineEntry[];

  constructor(
    readonly reason: BootFailure,
    /** The marker (or pattern) being waited for. */
    readonly awaited: string,
    /** Last console lines, oldest first. */
    readonly tail: readonly string[],
    /** Seconds since QEMU started. */
    readonly seconds: number,
    /** One line: what was awaited and what happened instead. */
    readonly detail: string,
  ) {
    const shown = tail.slice(-MESSAGE_TAIL);
    super(shown.length ? [detail, `last ${shown.length} console lines:`, ...shown.map((l) => `  | ${l}`)].join("\n") : detail);
    this.name = "BootFailed";
  }
}

/** The lines a person sees for a failed boot: message, console tail, QEMU's complaint, log paths. */
export function formatBootFailure(e: BootFailed): string {
  const out = [e.detail, `last ${e.tail.length} console lines:`, ...e.tail.map((l) => `  | ${l}`)];
  if (e.qemuStderr) out.push("QEMU said:", ...e.qemuStderr.split("\n").map((l) => `  | ${l}`));
  if (e.logs) out.push(`logs: ${e.logs.console} ${e.logs.events} ${e.logs.qemu}`);
  return out.join("\n");
}
