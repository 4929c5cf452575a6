import { describe, expect, it } from "vitest";
import { frame } from "../../../src/switcher/frame.ts";
import { INITIAL_UI } from "../../../src/switcher/keys.ts";
import { rows } from "../../../src/switcher/model.ts";
import { capturedWorld, idle } from "./world.ts";

describe("frame", () => {
  it("marks the selected row with > and shows its details", async () => {
    const world = await capturedWorld({ tiny: { ready: true, vnc: "127.0.0.1:5900", startedAtMs: 0 } });
    const r = rows(world, idle, 10_000);
    const f = frame(world, idle, { ...INITIAL_UI, selected: 0 }, r, {
      demo: false,
      width: 80,
      nowMs: 10_000,
    });
    expect(f.lines.map((l) => l.slice(0, 6))).toEqual([">tiny ", " deb  ", " t80  "]);
    expect(f.selected).toBe(0);
    expect(f.status).toBe(" tiny: VNC 127.0.0.1:5900  domain 1");
    expect(f.help).not.toContain("q:quit");
    expect(f.confirm).toBeNull();
    for (const l of [f.header, f.columns, ...f.lines]) expect(l).toHaveLength(80);
  });

  it("shows work in progress with its time and how to cancel", async () => {
    const world = await capturedWorld();
    const busy = {
      ops: new Map([["deb", { kind: "start" as const, sinceMs: 1_000, abort: new AbortController() }]]),
      failures: new Map(),
    };
    const f = frame(world, busy, { ...INITIAL_UI, selected: 1 }, rows(world, busy, 5_500), {
      demo: true,
      width: 80,
      nowMs: 5_500,
    });
    expect(f.status).toBe(" start deb 4s (c cancels)");
    expect(f.lines[1]).toContain("starting");
    expect(f.help).toMatch(/q:quit$/);
  });

  it("shows the last error of the selected guest and a pending question", async () => {
    const world = await capturedWorld();
    const failed = { ops: new Map(), failures: new Map([["deb", "xl create /c: boom"]]) };
    const ui = {
      ...INITIAL_UI,
      selected: 1,
      confirm: { question: "Sure? [y/n]", effect: { kind: "quit" as const } },
    };
    const f = frame(world, failed, ui, rows(world, failed, 0), { demo: false, width: 80, nowMs: 0 });
    expect(f.status).toBe(" deb: last error: xl create /c: boom");
    expect(f.confirm).toBe("Sure? [y/n]");
  });

  it("shows why the supervisor gave up on a guest at boot", async () => {
    const world = { ...(await capturedWorld()), bootFailures: new Map([["deb", "not-ready-after-120"]]) };
    const r = rows(world, idle, 0);
    expect(r[1]!.state).toBe("failed");
    const f = frame(world, idle, { ...INITIAL_UI, selected: 1 }, r, { demo: false, width: 80, nowMs: 0 });
    expect(f.status).toBe(" deb: failed at boot: not-ready-after-120");
  });

  it("says so when there is nothing to list", () => {
    const world = {
      medium: [],
      domains: [],
      extra: new Map(),
      bootFailures: new Map(),
      hv: null,
      dom0: null,
    };
    const f = frame(world, idle, INITIAL_UI, [], { demo: false, width: 80, nowMs: 0 });
    expect(f.lines).toEqual([" no guests on the medium and none running"]);
  });
});
