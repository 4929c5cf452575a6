import { describe, expect, it } from "vitest";
import { handleKey, INITIAL_UI } from "../../../src/switcher/keys.ts";
import { rows, tableLine, type ComingUp, type World } from "../../../src/switcher/model.ts";
import { restoreShare } from "../../../src/switcher/poll.ts";
import { capturedWorld, idle } from "./world.ts";

/** The captured world (tiny running and ready, deb without a domain, t80 crashed) with phases. */
async function withPhases(phases: Record<string, ComingUp>, patch: Partial<World> = {}): Promise<World> {
  return { ...(await capturedWorld()), comingUp: new Map(Object.entries(phases)), ...patch };
}
const stateOf = (w: World, name: string) => rows(w, idle, 0).find((r) => r.name === name)!;

describe("rows while dom0's supervisor brings the guests up (guests-up's state files)", () => {
  it("a guest without a domain is queued, or waiting for memory", async () => {
    expect(stateOf(await withPhases({ deb: { phase: "queued" } }), "deb").state).toBe("queued");
    expect(stateOf(await withPhases({ deb: { phase: "waiting-memory" } }), "deb").state).toBe("waiting");
  });

  it("restoring shows the share of its state streamed in, in the state column", async () => {
    const w = await withPhases({ tiny: { phase: "restoring", share: 0.424 } });
    const row = stateOf(w, "tiny");
    expect(row).toMatchObject({ state: "restoring", share: 0.424 });
    expect(tableLine(row, 80)).toMatch(/^ tiny +micro +restore 42% /);
    expect(tableLine(stateOf(await withPhases({ tiny: { phase: "restoring" } }), "tiny"), 80)).toMatch(
      / restoring /,
    );
  });

  it("post-restore and booting until Xen shows it ready; then running, whatever the file says", async () => {
    const world = await capturedWorld();
    const notReady = new Map(world.extra);
    notReady.set("tiny", { ...notReady.get("tiny"), ready: false });
    const w = { ...world, extra: notReady };
    expect(
      stateOf({ ...w, comingUp: new Map([["tiny", { phase: "post-restore" as const }]]) }, "tiny").state,
    ).toBe("post-restore");
    expect(
      stateOf({ ...w, comingUp: new Map([["tiny", { phase: "booting" as const }]]) }, "tiny").state,
    ).toBe("booting");
    // tiny is ready in the captured world
    expect(stateOf(await withPhases({ tiny: { phase: "post-restore" } }), "tiny").state).toBe("running");
    expect(stateOf(await withPhases({ tiny: { phase: "booting" } }), "tiny").state).toBe("running");
  });

  it("Enter on a queued or waiting guest asks the supervisor to start it next", async () => {
    for (const phase of ["queued", "waiting-memory"] as const) {
      const r = rows(await withPhases({ deb: { phase } }), idle, 0);
      const key = handleKey({ ...INITIAL_UI, selected: 1 }, "enter", {
        rows: r,
        busy: new Set(),
        allowQuit: false,
      });
      expect(key.effect).toEqual({ kind: "jump", name: "deb" });
    }
    // a stopped guest (no phase): Enter still says how to start it
    const r = rows(await capturedWorld(), idle, 0);
    const key = handleKey({ ...INITIAL_UI, selected: 1 }, "enter", {
      rows: r,
      busy: new Set(),
      allowQuit: false,
    });
    expect(key.effect).toEqual({ kind: "say", text: "deb is stopped: press s to start it" });
  });
});

describe("restoreShare", () => {
  const io = (rchar: number | null) => async (pid: number) =>
    pid === 812 && rchar !== null ? `rchar: ${rchar}\nwchar: 99\nsyscr: 3\n` : null;
  it("is zstd's bytes read over the state file's size, at most 1", async () => {
    const restore = "812 200000 /run/medium/livedeck/states/GenuineIntel/jeos.zst\n";
    expect(await restoreShare(restore, io(50_000))).toBe(0.25);
    expect(await restoreShare(restore, io(250_000))).toBe(1);
  });
  it("is unknown without a restore file, a live zstd, or a size", async () => {
    expect(await restoreShare(null, io(1))).toBeUndefined();
    expect(await restoreShare("812 200000 /s.zst", io(null))).toBeUndefined();
    expect(await restoreShare("812 0 /s.zst", io(1))).toBeUndefined();
    expect(await restoreShare("garbage", io(1))).toBeUndefined();
  });
});
