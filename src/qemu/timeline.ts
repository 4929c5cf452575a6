export type Source = "console" | "events";

/** One moment of a boot, in seconds since QEMU started. */
export interface TimelineEntry {
  label: string;
  seconds: number;
  source: Source;
  line: string;
}

/** Seconds with one decimal (the resolution that matters for a boot). */
export function roundSeconds(ms: number): number {
  return Math.round(ms / 100) / 10;
}

export class Timeline {
  readonly entries: TimelineEntry[] = [];
  private readonly seen = new Set<string>();
  /** Called with each entry as it happens (live progress). */
  onEntry?: (entry: TimelineEntry) => void;

  add(entry: TimelineEntry): void {
    this.entries.push(entry);
    this.onEntry?.(entry);
  }

  /** Adds the entry only the first time its label comes up. */
  once(entry: TimelineEntry): void {
    if (this.seen.has(entry.label)) return;
    this.seen.add(entry.label);
    this.add(entry);
  }
}

/** The table `livedeck boot` prints at the end. */
export function formatTimeline(entries: readonly TimelineEntry[]): string {
  if (entries.length === 0) return "(no serial output)";
  const width = Math.max(...entries.map((e) => e.label.length));
  return entries.map((e) => `${e.label.padEnd(width)}  ${e.seconds.toFixed(1).padStart(6)} s`).join("\n");
}
