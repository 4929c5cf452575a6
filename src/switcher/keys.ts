import type { SaveWhere } from "../dom0/guest-save.ts";
import type { Row } from "./model.ts";

/** Key handling, pure: (UI state, key, rows) → new UI state and at most one effect to run. */

export type Effect =
  | { kind: "attach"; name: string }
  /** `force`: start even though Xen reports too little free memory (asked first). */
  | { kind: "start"; name: string; configPath: string; force?: boolean }
  | { kind: "pause" | "unpause" | "shutdown" | "destroy" | "restart"; name: string }
  /** dom0's guest-save: the guest stops, its memory goes to RAM or a LIVEDECK-SAVE disk. */
  | { kind: "save"; name: string; where: SaveWhere }
  | { kind: "view-log"; name: string }
  /** A graphical guest's desktop full-screen on the PC's display (dom0's vnc-view). */
  | { kind: "view-desktop"; name: string }
  | { kind: "cancel"; name: string }
  /** Start this queued guest before the others waiting (guests-up reads its jump file). */
  | { kind: "jump"; name: string }
  | { kind: "shell" }
  | { kind: "quit" }
  /** Nothing to run: tell the person why (log pane). */
  | { kind: "say"; text: string };

export interface Confirm {
  question: string;
  /** What `y` runs. */
  effect?: Effect;
  /** Questions with other answers than y/n (save: r or d): key → what it runs. */
  choices?: Readonly<Record<string, Effect>>;
}

export interface UiState {
  selected: number;
  confirm: Confirm | null;
  /** The console log viewer is open on this guest. */
  logOf: string | null;
}

export interface KeyContext {
  rows: readonly Row[];
  /** Names with an operation in flight (cancel applies to them). */
  busy: ReadonlySet<string>;
  /** q quits (demo and --allow-quit); in dom0 the switcher owns the console and stays. */
  allowQuit: boolean;
}

export const INITIAL_UI: UiState = { selected: 0, confirm: null, logOf: null };

/** The help bar: what each key does (kept under 80 columns). */
export const HELP = "Enter:console s:start S:save p:pause d:stop r:reboot l:log !:sh c:cancel";

export interface KeyResult {
  ui: UiState;
  effect?: Effect;
}

const say = (ui: UiState, text: string): KeyResult => ({ ui, effect: { kind: "say", text } });

function onConfirm(ui: UiState, confirm: Confirm, key: string): KeyResult {
  const chosen = confirm.choices ? confirm.choices[key] : key === "y" ? confirm.effect : undefined;
  if (chosen) return { ui: { ...ui, confirm: null }, effect: chosen };
  if (key === "n" || key === "escape" || key === "q") return { ui: { ...ui, confirm: null } };
  return { ui };
}

function onRow(ui: UiState, row: Row, key: string, ctx: KeyContext): KeyResult {
  const { name, state } = row;
  const up = ["running", "paused", "starting", "post-restore", "booting"].includes(state);
  switch (key) {
    case "enter":
    case "linefeed":
      // A guest waiting its turn at boot: the supervisor starts it next (its jump file).
      if (row.id === null && (state === "queued" || state === "waiting"))
        return { ui, effect: { kind: "jump", name } };
      // A crashed guest kept by on_crash=preserve still has its console: worth reading.
      if (row.id === null) return say(ui, `${name} is ${state}: press s to start it`);
      return { ui, effect: { kind: "attach", name } };
    case "S-s": // blessed's name for S
      if (state !== "running" && state !== "paused")
        return say(ui, `${name} is ${state}: only a running or paused guest can be saved`);
      return {
        ui: {
          ...ui,
          confirm: {
            question: `Save ${name} (it stops; s restores it) to r:RAM (dom0's) or d:disk (LIVEDECK-SAVE)? [r/d/n]`,
            choices: { r: { kind: "save", name, where: "ram" }, d: { kind: "save", name, where: "disk" } },
          },
        },
      };
    case "s":
      if (row.id !== null && state !== "stopped" && state !== "failed")
        return say(ui, `${name} is already ${state}`);
      if (!row.configPath) return say(ui, `${name} has no config on the medium`);
      return { ui, effect: { kind: "start", name, configPath: row.configPath } };
    case "p":
      if (state === "paused") return { ui, effect: { kind: "unpause", name } };
      if (state === "running" || state === "starting") return { ui, effect: { kind: "pause", name } };
      return say(ui, `${name} is ${state}: nothing to pause`);
    case "d":
      if (up) return { ui, effect: { kind: "shutdown", name } };
      if (row.id !== null) return { ui, effect: { kind: "destroy", name } };
      return say(ui, `${name} is not running`);
    case "r":
      if (row.id === null) return say(ui, `${name} is not running: press s to start it`);
      if (!row.configPath) return say(ui, `${name} has no config on the medium to start it again from`);
      return {
        ui: {
          ...ui,
          confirm: {
            question: `Restart ${name}? (shut down, then boot again) [y/n]`,
            effect: { kind: "restart", name },
          },
        },
      };
    case "l":
      return { ui: { ...ui, logOf: name }, effect: { kind: "view-log", name } };
    case "v":
      if (!row.graphical) return say(ui, `${name} has no desktop (no vnc service): Enter opens its console`);
      if (row.id === null) return say(ui, `${name} is ${state}: press s to start it`);
      return { ui, effect: { kind: "view-desktop", name } };
    case "c":
      if (!ctx.busy.has(name)) return say(ui, `nothing in progress for ${name}`);
      return { ui, effect: { kind: "cancel", name } };
    default:
      return { ui };
  }
}

export function handleKey(ui: UiState, key: string, ctx: KeyContext): KeyResult {
  if (ui.confirm) return onConfirm(ui, ui.confirm, key);
  if (ui.logOf !== null) {
    // The viewer scrolls itself (screen.ts); these close it.
    if (key === "escape" || key === "q" || key === "l" || key === "enter")
      return { ui: { ...ui, logOf: null } };
    return { ui };
  }
  const last = ctx.rows.length - 1;
  const selected = Math.min(Math.max(ui.selected, 0), Math.max(last, 0));
  const at = { ...ui, selected };
  switch (key) {
    case "up":
    case "k":
      return { ui: { ...at, selected: Math.max(0, selected - 1) } };
    case "down":
    case "j":
      return { ui: { ...at, selected: Math.min(Math.max(last, 0), selected + 1) } };
    case "home":
      return { ui: { ...at, selected: 0 } };
    case "end":
      return { ui: { ...at, selected: Math.max(last, 0) } };
    case "!":
      return {
        ui: {
          ...at,
          confirm: {
            question: "Open a dom0 root shell? (exit it to come back) [y/n]",
            effect: { kind: "shell" },
          },
        },
      };
    case "q":
      return ctx.allowQuit
        ? { ui: at, effect: { kind: "quit" } }
        : say(at, "the switcher stays on this console: ! opens a shell");
  }
  const row = ctx.rows[selected];
  if (!row) return { ui: at };
  return onRow(at, row, key, ctx);
}

/** A shutdown that timed out: ask before pulling the plug. */
export function confirmDestroy(ui: UiState, name: string, waitedS: number): UiState {
  return {
    ...ui,
    confirm: {
      question: `${name} did not shut down in ${waitedS} s. Destroy it (like pulling the power)? [y/n]`,
      effect: { kind: "destroy", name },
    },
  };
}
