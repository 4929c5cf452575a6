import { describe, expect, it } from "vitest";
import {
  confirmDestroy,
  handleKey,
  HELP,
  INITIAL_UI,
  type KeyContext,
  type UiState,
} from "../../../src/switcher/keys.ts";
import { rows, type Row } from "../../../src/switcher/model.ts";
import { capturedWorld, idle } from "./world.ts";

/** tiny (running), deb (stopped), t80 (failed, domain kept), in that order. */
async function ctx(over: Partial<KeyContext> = {}): Promise<KeyContext> {
  return { rows: rows(await capturedWorld(), idle, 0), busy: new Set(), allowQuit: false, ...over };
}
const at = (selected: number): UiState => ({ ...INITIAL_UI, selected });

describe("moving", () => {
  it.each([
    [0, "down", 1],
    [1, "j", 2],
    [2, "down", 2],
    [2, "up", 1],
    [0, "k", 0],
    [1, "home", 0],
    [0, "end", 2],
  ])("from %d, %s → %d", async (from, key, to) => {
    const r = handleKey(at(from), key, await ctx());
    expect(r.ui.selected).toBe(to);
    expect(r.effect).toBeUndefined();
  });

  it("clamps a selection left beyond the end when rows went away", async () => {
    expect(handleKey(at(7), "up", await ctx()).ui.selected).toBe(1);
  });

  it("does nothing on an empty list", () => {
    const r = handleKey(at(0), "enter", { rows: [], busy: new Set(), allowQuit: false });
    expect(r).toEqual({ ui: at(0) });
  });
});

describe("saving at run time", () => {
  it("S on a running guest asks RAM or disk; r, d answer, n and Esc do not save", async () => {
    const c = await ctx();
    const asked = handleKey(at(0), "S-s", c);
    expect(asked.effect).toBeUndefined();
    expect(asked.ui.confirm?.question).toMatch(/^Save tiny .*r:RAM.*d:disk.*\[r\/d\/n\]$/);
    expect(handleKey(asked.ui, "r", c).effect).toEqual({ kind: "save", name: "tiny", where: "ram" });
    expect(handleKey(asked.ui, "d", c)).toEqual({
      ui: at(0),
      effect: { kind: "save", name: "tiny", where: "disk" },
    });
    expect(handleKey(asked.ui, "y", c)).toEqual({ ui: asked.ui }); // no y here: which storage?
    expect(handleKey(asked.ui, "n", c)).toEqual({ ui: at(0) });
    expect(handleKey(asked.ui, "escape", c)).toEqual({ ui: at(0) });
  });

  it("S on a stopped or failed guest says why not", async () => {
    const c = await ctx();
    expect(handleKey(at(1), "S-s", c).effect).toEqual({
      kind: "say",
      text: "deb is stopped: only a running or paused guest can be saved",
    });
    expect(handleKey(at(2), "S-s", c).effect).toMatchObject({ kind: "say" });
  });

  it("s on a saved guest starts it (guest-start restores its save)", async () => {
    const world = { ...(await capturedWorld()), saved: new Map([["deb", "disk" as const]]) };
    const c = await ctx({ rows: rows(world, idle, 0) });
    expect(c.rows[1]).toMatchObject({ state: "saved", saved: "disk" });
    expect(handleKey(at(1), "s", c).effect).toMatchObject({ kind: "start", name: "deb" });
  });
});

describe("actions on the selected guest", () => {
  it.each([
    [0, "enter", { kind: "attach", name: "tiny" }],
    [0, "linefeed", { kind: "attach", name: "tiny" }],
    [0, "p", { kind: "pause", name: "tiny" }],
    [0, "d", { kind: "shutdown", name: "tiny" }],
    [0, "l", { kind: "view-log", name: "tiny" }],
    [2, "d", { kind: "destroy", name: "t80" }],
    [2, "enter", { kind: "attach", name: "t80" }],
    [2, "l", { kind: "view-log", name: "t80" }],
  ])("row %d, %s", async (row, key, effect) => {
    expect(handleKey(at(row), key, await ctx()).effect).toEqual(effect);
  });

  it("starts a stopped or failed guest from its config on the medium", async () => {
    const c = await ctx();
    expect(handleKey(at(1), "s", c).effect).toEqual({
      kind: "start",
      name: "deb",
      configPath: c.rows[1]!.configPath,
    });
    expect(handleKey(at(2), "s", c).effect).toMatchObject({ kind: "start", name: "t80" });
  });

  it("resumes a paused guest with the same key", async () => {
    const c = await ctx();
    const paused = c.rows.map((r, i): Row => (i === 0 ? { ...r, state: "paused" } : r));
    expect(handleKey(at(0), "p", { ...c, rows: paused }).effect).toEqual({ kind: "unpause", name: "tiny" });
  });

  it.each([
    [1, "enter", "deb is stopped: press s to start it"],
    [0, "s", "tiny is already running"],
    [1, "p", "deb is stopped: nothing to pause"],
    [1, "d", "deb is not running"],
    [1, "r", "deb is not running: press s to start it"],
    [0, "c", "nothing in progress for tiny"],
    [0, "q", "the switcher stays on this console: ! opens a shell"],
  ])("row %d, %s says why nothing happens", async (row, key, text) => {
    expect(handleKey(at(row), key, await ctx()).effect).toEqual({ kind: "say", text });
  });

  it("a guest without a config on the medium cannot be started or restarted", async () => {
    const c = await ctx();
    const adhoc = c.rows.map((r): Row => ({ ...r, configPath: null }));
    expect(handleKey(at(1), "s", { ...c, rows: adhoc }).effect).toEqual({
      kind: "say",
      text: "deb has no config on the medium",
    });
    expect(handleKey(at(0), "r", { ...c, rows: adhoc }).effect).toMatchObject({ kind: "say" });
  });

  it("cancels work in progress", async () => {
    expect(handleKey(at(0), "c", await ctx({ busy: new Set(["tiny"]) })).effect).toEqual({
      kind: "cancel",
      name: "tiny",
    });
  });

  it("quits only when allowed (demo)", async () => {
    expect(handleKey(at(0), "q", await ctx({ allowQuit: true })).effect).toEqual({ kind: "quit" });
  });

  it("ignores keys it does not know", async () => {
    expect(handleKey(at(0), "x", await ctx())).toEqual({ ui: at(0) });
  });
});

describe("confirmations", () => {
  it("restart asks first; y runs it, n and Esc drop it", async () => {
    const c = await ctx();
    const asked = handleKey(at(0), "r", c);
    expect(asked.effect).toBeUndefined();
    expect(asked.ui.confirm?.question).toMatch(/^Restart tiny\?/);
    expect(handleKey(asked.ui, "y", c)).toEqual({ ui: at(0), effect: { kind: "restart", name: "tiny" } });
    expect(handleKey(asked.ui, "n", c)).toEqual({ ui: at(0) });
    expect(handleKey(asked.ui, "escape", c)).toEqual({ ui: at(0) });
    expect(handleKey(asked.ui, "down", c).ui).toBe(asked.ui);
  });

  it("the dom0 shell asks first", async () => {
    const c = await ctx();
    const asked = handleKey(at(1), "!", c);
    expect(asked.ui.confirm?.question).toMatch(/dom0 root shell/);
    expect(handleKey(asked.ui, "y", c).effect).toEqual({ kind: "shell" });
  });

  it("a timed-out shutdown asks before destroying", async () => {
    const ui = confirmDestroy(at(0), "tiny", 30);
    expect(ui.confirm?.question).toBe(
      "tiny did not shut down in 30 s. Destroy it (like pulling the power)? [y/n]",
    );
    expect(handleKey(ui, "y", await ctx()).effect).toEqual({ kind: "destroy", name: "tiny" });
  });
});

describe("log viewer", () => {
  it("keys close it; others are left to the viewer", async () => {
    const c = await ctx();
    const open = { ...at(0), logOf: "tiny" };
    for (const k of ["escape", "q", "l", "enter"]) expect(handleKey(open, k, c).ui.logOf).toBeNull();
    expect(handleKey(open, "down", c)).toEqual({ ui: open });
    expect(handleKey(open, "d", c).effect).toBeUndefined();
  });
});

it("the help bar fits 80 columns with the demo's q:quit", () => {
  expect(` ${HELP} q:quit`.length).toBeLessThanOrEqual(80);
});
