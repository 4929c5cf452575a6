import { describe, expect, it } from "vitest";
import { Refresher } from "../../../src/switcher/refresh.ts";

/** A refresh that takes `ms` and records when it started. */
function counter(ms = 20) {
  const runs: { force: boolean; at: number }[] = [];
  const t0 = Date.now();
  const once = async (force: boolean) => {
    runs.push({ force, at: Date.now() - t0 });
    await new Promise((r) => setTimeout(r, ms));
  };
  return { runs, once };
}

describe("Refresher", () => {
  it("unforced requests join the running refresh", async () => {
    const { runs, once } = counter();
    const r = new Refresher(once, Date.now, 0);
    await Promise.all([r.request(true), r.request(false), r.request(false)]);
    expect(runs.map((x) => x.force)).toEqual([true]);
  });

  it("a forced request during a refresh gets one that starts after it; several share it", async () => {
    const { runs, once } = counter();
    const r = new Refresher(once, Date.now, 0);
    const first = r.request(false);
    const a = r.request(true);
    const b = r.request(true);
    await Promise.all([first, a, b]);
    expect(runs.map((x) => x.force)).toEqual([false, true]);
    expect(runs[1]!.at).toBeGreaterThanOrEqual(18);
  });

  it("keeps unforced refreshes apart by the minimum gap, forced ones not", async () => {
    const { runs, once } = counter(1);
    const r = new Refresher(once, Date.now, 100);
    await r.request(false);
    await r.request(false);
    await r.request(true);
    expect(runs[1]!.at - runs[0]!.at).toBeGreaterThanOrEqual(95);
    expect(runs[2]!.at - runs[1]!.at).toBeLessThan(50);
  });
});
