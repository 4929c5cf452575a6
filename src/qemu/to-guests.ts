import { readFile } from "node:fs/promises";
import type { SessionOptions } from "./session.ts";
import { startToDom0 } from "./stall.ts";

const MINUTE = 60_000;

/** Seconds from QEMU's start to dom0 ready and to the last guest ready; dom0's fetch line (PXE). */
export interface GuestsReady {
  dom0: number;
  guests: number;
  /** `livedeck: fetched and checked N files (M MiB, in RAM) from ADDR in S s`, when dom0 fetched them */
  fetch?: string;
}

/**
 * Boots a medium until dom0 and then each of `guests` (in deck order) are ready from a cold boot,
 * and stops it: the figures the PXE vm test and `bench pxe` compare.
 */
export async function bootToGuests(o: SessionOptions, guests: readonly string[]): Promise<GuestsReady> {
  const { session: s, dom0: ready } = await startToDom0(o, 12 * MINUTE);
  try {
    const dom0 = ready.seconds;
    let last = dom0;
    for (const g of guests) last = (await s.expect(`LIVEDECK-GUEST-READY ${g} cold`, 10 * MINUTE)).seconds;
    const log = (await readFile(s.logs.console, "utf8")).replaceAll("\r", "");
    const fetch = /^livedeck: fetched and checked \d+ files \(\d+ MiB, in RAM\) from \S+ in [\d.]+ s$/m.exec(
      log,
    );
    return { dom0, guests: last, ...(fetch ? { fetch: fetch[0] } : {}) };
  } finally {
    await s.stop();
  }
}
