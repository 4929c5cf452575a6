import type { SeenMarker } from "../../src/qemu/expect.ts";
import type { BootSession } from "../../src/qemu/session.ts";
import { rowOf } from "../tools/switcher-tmux.ts";
import type { SerialTerm } from "./serial-term.ts";

/** Driving the console switcher over the serial line, as a person at the PC would (vm tests). */
export const GUESTS = ["micro1", "micro2", "deb"]; // flavours/ci.deck.yaml, in deck order
const CTRL_RIGHT_BRACKET = "\x1d";
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function waitMarker(s: BootSession, pred: (m: SeenMarker) => boolean, what: string, ms: number) {
  const end = Date.now() + ms;
  for (;;) {
    const m = s.expecter.markers.find(pred);
    if (m) return m;
    if (Date.now() > end)
      throw new Error(
        `no ${what} within ${ms / 1000} s; markers: ${s.expecter.markers.map((x) => x.text).join(" | ")}`,
      );
    await sleep(100);
  }
}

/**
 * Types text in 16-byte pieces, 30 ms apart, as a person would: Xen keeps at most 128 bytes of
 * serial input for dom0 (console.c SERIAL_RX_SIZE) and drops the rest, and a busy dom0 under TCG
 * lost a character of a 110-byte line sent at once (the guest's shell then waited for a ')').
 */
export async function typeLine(s: BootSession, text: string): Promise<void> {
  for (let i = 0; i < text.length; i += 16) {
    s.send(text.slice(i, i + 16));
    await sleep(30);
  }
}

export const listShown = (screen: string) => GUESTS.every((g) => rowOf(screen, g) !== undefined);

/** Moves the selection (">") to `name` with j/k. */
export async function select(s: BootSession, t: SerialTerm, name: string): Promise<void> {
  for (let i = 0; i < 10; i++) {
    const lines = (await t.screen()).split("\n");
    const at = lines.findIndex((l) => l.slice(1).startsWith(`${name} `));
    const sel = lines.findIndex((l) => l.startsWith(">"));
    if (at >= 0 && at === sel) return;
    s.send(at > sel ? "j" : "k");
    await t.waitFor(
      (sc) => sc.split("\n").findIndex((l) => l.startsWith(">")) !== sel,
      "the selection move",
      20_000,
    );
  }
  throw new Error(`could not select ${name}:\n${await t.screen()}`);
}

/**
 * Enter on the selected guest, then a carriage return every 25 ms until the guest's shell answers
 * with a prompt: the time from the key to the guest's console on the serial line.
 */
export async function attach(s: BootSession, t: SerialTerm, timeoutMs = 60_000): Promise<number> {
  const from = t.raw.length;
  const t0 = Date.now();
  s.send("\r");
  for (;;) {
    const hit = t.matchedAt(/[#$] $/m, from);
    if (hit) return hit.at - t0;
    if (Date.now() - t0 > timeoutMs)
      throw new Error(`no guest prompt after Enter:\n${JSON.stringify(t.raw.slice(from))}`);
    s.send("\r");
    await sleep(Date.now() - t0 > 5_000 ? 1_000 : 25);
  }
}

/** Types `cmd` and waits for a line that only its output contains. */
export async function run(s: BootSession, t: SerialTerm, cmd: string, tag: string, ms = 60_000): Promise<string> {
  const from = t.raw.length;
  // shellcheck-style: the guest computes $((6*7)), so the typed line never matches.
  await typeLine(s, `${cmd}; echo ${tag}-$((6*7))\r`);
  const end = Date.now() + ms;
  while (!t.matchedAt(new RegExp(`${tag}-42`), from)) {
    if (Date.now() > end) throw new Error(`no ${tag}-42 within ${ms / 1000} s:\n${await t.screen()}`);
    await sleep(50);
  }
  return t.raw.slice(from);
}

export async function detach(s: BootSession, t: SerialTerm): Promise<number> {
  const t0 = Date.now();
  s.send(CTRL_RIGHT_BRACKET);
  await t.waitFor(listShown, "the guest list after Ctrl-]", 60_000);
  return Date.now() - t0;
}

