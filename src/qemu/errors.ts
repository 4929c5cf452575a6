/** Why a boot failed: the medium's own verdict, a panic, silence, or QEMU going away. */
export type BootFailure = "timeout" | "test-failed" | "guest-failed" | "panic" | "qemu-exited";

import type { TimelineEntry } from "./timeline.ts";

export interface BootLogs {
  console: string;
  events: string;
  qemu: string;
}

/**
 * A booted medium did not show what was expected. Exit code 1, like a failed build; the message is
 * one line and `tail` holds the last console lines the person needs to see why.
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
    detail: string,
  ) {
    super(detail);
    this.name = "BootFailed";
  }
}

/** The lines a person sees for a failed boot: message, console tail, QEMU's complaint, log paths. */
export function formatBootFailure(e: BootFailed): string {
  const out = [e.message, `last ${e.tail.length} console lines:`, ...e.tail.map((l) => `  | ${l}`)];
  if (e.qemuStderr) out.push("QEMU said:", ...e.qemuStderr.split("\n").map((l) => `  | ${l}`));
  if (e.logs) out.push(`logs: ${e.logs.console} ${e.logs.events} ${e.logs.qemu}`);
  return out.join("\n");
}
