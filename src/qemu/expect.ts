import { InterruptedError } from "../errors.ts";
import { BootFailed, type BootFailure } from "./errors.ts";
import { Ring } from "./lines.ts";
import {
  describeExpectation,
  fatal,
  markerLabel,
  matches,
  MILESTONES,
  parseMarker,
  type Expectation,
  type Fatal,
  type Marker,
} from "./markers.ts";
import { roundSeconds, Timeline, type Source } from "./timeline.ts";

export interface SeenLine {
  source: Source;
  /** Cleaned text (no escapes, no CR). */
  text: string;
  seconds: number;
}

export interface SeenMarker extends SeenLine {
  marker: Marker;
}

export interface ExpecterOptions {
  /** ms clock; the boot's t=0 is the value at construction. */
  now?: () => number;
  /** How long to keep reading after a panic line, for the lines that explain it. */
  panicGraceMs?: number;
  tailSize?: number;
}

interface Waiter {
  exp: Expectation;
  started: number;
  timeoutMs: number;
  resolve(line: SeenLine): void;
  reject(e: Error): void;
  timer: NodeJS.Timeout;
}

const TAIL = 40;
const RING = 200;
// A marker dom0 writes to both channels arrives twice; the copies are at most this far apart.
const DUPLICATE_WINDOW_S = 5;
// Unconsumed lines kept for a later expect(); markers are few, so this only bounds chatter.
const MAX_PENDING = 20_000;

/**
 * Reads the console and events lines of one boot and answers `expect(marker, timeout)` in order:
 * each expect consumes its channel's lines up to its match, so the next one only sees what came
 * after on that channel. Order across the two channels is not enforced: the events file is polled
 * and can lag the console by a poll interval.
 */
export class Expecter {
  readonly timeline = new Timeline();
  readonly markers: SeenMarker[] = [];
  readonly console = new Ring<string>(RING);
  private pending: SeenLine[] = [];
  private readonly paired = new WeakSet<SeenMarker>();
  private waiter?: Waiter;
  private failure?: { fatal: Fatal; line: SeenLine; effective: boolean };
  private ended?: string;
  private interrupted = false;
  private readonly now: () => number;
  private readonly start: number;
  private readonly graceMs: number;
  private graceTimer?: NodeJS.Timeout;

  constructor(opts: ExpecterOptions = {}) {
    this.now = opts.now ?? Date.now;
    this.start = this.now();
    this.graceMs = opts.panicGraceMs ?? 1500;
  }

  seconds(): number {
    return roundSeconds(this.now() - this.start);
  }

  /** Last console lines, oldest first. */
  tail(n = TAIL): string[] {
    return this.console.last(n);
  }

  /** A cleaned line from one channel. */
  feed(source: Source, text: string): void {
    const line: SeenLine = { source, text, seconds: this.seconds() };
    if (source === "console") this.console.push(text);
    if (text.trim() === "") return;
    const at = { source, seconds: line.seconds, line: text };
    if (source === "console") this.timeline.once({ label: "first serial line", ...at });
    for (const m of MILESTONES) if (m.pattern.test(text)) this.timeline.once({ label: m.label, ...at });
    const marker = parseMarker(text);
    if (marker) {
      if (this.isDuplicate(line)) return;
      this.markers.push({ ...line, marker });
      this.timeline.add({ label: markerLabel(marker), ...at });
    }
    this.pending.push(line);
    if (this.pending.length > MAX_PENDING) this.pending.splice(0, this.pending.length - MAX_PENDING);
    const f = this.failure ? null : fatal(text);
    if (f) this.arm(f, line);
    this.check();
  }

  /** QEMU is gone (after its last output was fed): a waiting expect can no longer succeed. */
  end(description: string): void {
    this.ended ??= description;
    clearTimeout(this.graceTimer);
    if (this.failure) this.failure.effective = true;
    this.check();
  }

  interrupt(): void {
    this.interrupted = true;
    this.check();
  }

  /** Resolves with the first line (after the previous match) that `exp` matches. */
  expect(exp: Expectation, timeoutMs: number): Promise<SeenLine> {
    if (this.waiter) throw new Error("expect: already waiting for " + describeExpectation(this.waiter.exp));
    return new Promise<SeenLine>((resolve, reject) => {
      const timer = setTimeout(() => this.fail("timeout"), timeoutMs);
      this.waiter = { exp, started: this.now(), timeoutMs, resolve, reject, timer };
      this.check();
    });
  }

  private isDuplicate(line: SeenLine): boolean {
    const twin = this.markers.find(
      (m) =>
        m.source !== line.source &&
        m.text === line.text &&
        !this.paired.has(m) &&
        line.seconds - m.seconds <= DUPLICATE_WINDOW_S,
    );
    if (twin) this.paired.add(twin);
    return twin !== undefined;
  }

  private arm(f: Fatal, line: SeenLine): void {
    this.failure = { fatal: f, line, effective: f.immediate || this.ended !== undefined };
    if (!this.failure.effective) {
      this.graceTimer = setTimeout(() => {
        if (this.failure) this.failure.effective = true;
        this.check();
      }, this.graceMs);
    }
  }

  private check(): void {
    const w = this.waiter;
    if (!w) return;
    if (this.interrupted) return this.settle(() => w.reject(new InterruptedError()));
    for (let i = 0; i < this.pending.length; i++) {
      const line = this.pending[i]!;
      if (line === this.failure?.line) {
        if (this.failure.effective) this.fail(this.failure.fatal.reason, line);
        return;
      }
      if (matches(w.exp, line.text)) {
        this.pending = this.pending.filter((l, j) => j > i || l.source !== line.source);
        return this.settle(() => w.resolve(line));
      }
      if (fatal(line.text, w.exp)?.reason === "guest-failed") return this.fail("guest-failed", line);
    }
    if (this.ended !== undefined) this.fail("qemu-exited");
  }

  private fail(reason: BootFailure, line?: SeenLine): void {
    const w = this.waiter;
    if (!w) return;
    if (reason === "timeout" && this.failure) return this.fail(this.failure.fatal.reason, this.failure.line);
    const awaited = describeExpectation(w.exp);
    const detail = {
      timeout: () => `no ${awaited} within ${w.timeoutMs / 1000} s`,
      "test-failed": () => `the medium reported "${line?.text.trim()}"`,
      "guest-failed": () => `"${line?.text.trim()}" while waiting for ${awaited}`,
      panic: () => `"${line?.text.trim()}" while waiting for ${awaited}`,
      "qemu-exited": () => `QEMU exited (${this.ended}) before ${awaited}`,
    }[reason]();
    const err = new BootFailed(reason, awaited, this.tail(), this.seconds(), `boot failed: ${detail}`);
    this.settle(() => w.reject(err));
  }

  private settle(done: () => void): void {
    const w = this.waiter;
    if (!w) return;
    clearTimeout(w.timer);
    this.waiter = undefined;
    done();
  }
}
