/**
 * Per-guest rate limit of install requests: at most `max` in any `windowMs`. Past it the first
 * request is refused with a reason (`refuse`) and the rest are dropped unanswered (`drop`) until the
 * window has room, so a guest writing in a loop cannot make dom0 write back in a loop.
 */
export type Admission = "ok" | "refuse" | "drop";

export class RateLimiter {
  private readonly seen = new Map<number, number[]>();
  private readonly told = new Set<number>();

  constructor(
    readonly max = 3,
    readonly windowMs = 60_000,
  ) {}

  admit(key: number, nowMs: number): Admission {
    const recent = (this.seen.get(key) ?? []).filter((t) => nowMs - t < this.windowMs);
    if (recent.length < this.max) {
      recent.push(nowMs);
      this.seen.set(key, recent);
      this.told.delete(key);
      return "ok";
    }
    this.seen.set(key, recent);
    if (this.told.has(key)) return "drop";
    this.told.add(key);
    return "refuse";
  }

  /** Keeps only these keys: a domain that is gone may see its id reused by a new guest. */
  retain(keys: ReadonlySet<number>): void {
    for (const k of this.seen.keys()) if (!keys.has(k)) this.seen.delete(k);
    for (const k of this.told) if (!keys.has(k)) this.told.delete(k);
  }
}
