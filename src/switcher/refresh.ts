/**
 * When the switcher re-reads Xen: a forced refresh (after our own action) always sees the world
 * after the request, even if one is already running; an unforced one (timer, xenstore watch) joins
 * the running one and never comes sooner than `minGapMs` after the last.
 */
export class Refresher {
  private running: Promise<void> | null = null;
  private queued: Promise<void> | null = null;
  private lastMs = -Infinity;

  constructor(
    private readonly once: (force: boolean) => Promise<void>,
    private readonly now: () => number,
    private readonly minGapMs: number,
  ) {}

  request(force: boolean): Promise<void> {
    if (this.running) {
      if (!force) return this.running;
      this.queued ??= this.running.then(() => {
        this.queued = null;
        return this.request(true);
      });
      return this.queued;
    }
    const wait = force ? 0 : Math.max(0, this.lastMs + this.minGapMs - this.now());
    this.running = (async () => {
      if (wait) await new Promise((r) => setTimeout(r, wait));
      await this.once(force);
      this.lastMs = this.now();
    })().finally(() => {
      this.running = null;
    });
    return this.running;
  }
}
