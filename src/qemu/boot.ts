import { InterruptedError, UserError } from "../errors.ts";
import type { SeenMarker } from "./expect.ts";
import { attachKeys, type Terminal } from "./interactive.ts";
import { DOM0_READY, type Expectation } from "./markers.ts";
import { startBoot, type BootSession, type SessionOptions } from "./session.ts";
import { startToDom0, type StallRetry } from "./stall.ts";
import type { TimelineEntry } from "./timeline.ts";

export interface BootOptions extends Omit<SessionOptions, "onConsoleData"> {
  /** Markers to see, in this order; default just LIVEDECK-DOM0-READY. */
  expect?: readonly Expectation[];
  /** Per marker, counted from the previous one; default 180 s. */
  timeoutMs?: number;
  /** Attach this terminal to the console until the person quits or QEMU ends; no timeouts. */
  interactive?: Terminal;
  /**
   * Boot once more when dom0 stays silent before LIVEDECK-DOM0-READY (src/qemu/stall.ts); only
   * without `interactive`. DOM0-READY is then awaited first.
   */
  retryStall?: boolean;
  /** Called once QEMU runs (e.g. to say where the logs are). */
  onStart?(session: BootSession): void;
}

export interface BootResult {
  /** Every expected marker was seen, in order (always true without --interactive: else it throws). */
  ok: boolean;
  timeline: TimelineEntry[];
  markers: SeenMarker[];
  consoleLog: string;
  eventsLog: string;
  qemuLog: string;
  seconds: number;
  /** Boots that stalled before dom0 was ready and were started again (retryStall). */
  retries: StallRetry[];
}

export const DEFAULT_TIMEOUT_MS = 180_000;

function checkTimeout(ms: number): void {
  if (!Number.isFinite(ms) || ms <= 0) {
    throw new UserError(
      `timeout: ${ms / 1000} s is not a positive number of seconds`,
      "use e.g. --timeout 180",
    );
  }
}

async function expectAll(s: BootSession, expected: readonly Expectation[], timeoutMs: number): Promise<void> {
  for (const exp of expected) await s.expect(exp, timeoutMs);
}

/**
 * Boots the medium in QEMU and waits for the expected markers; QEMU is always stopped before this
 * returns or throws (UserError before start, BootFailed for the boot, InterruptedError on a signal).
 */
export async function bootMedium(o: BootOptions): Promise<BootResult> {
  const expected = o.expect?.length ? [...o.expect] : [DOM0_READY];
  const timeoutMs = o.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  checkTimeout(timeoutMs);
  const term = o.interactive;
  const retry = o.retryStall === true && !term;
  // dom0 says READY before any guest or test marker: a stall is waited out on it first
  if (retry && expected[0] !== DOM0_READY) expected.unshift(DOM0_READY);
  const started = retry
    ? await startToDom0(o, timeoutMs)
    : {
        session: await startBoot({ ...o, onConsoleData: term ? (c) => term.output.write(c) : undefined }),
        retries: [],
      };
  const s = started.session;
  let ok = true;
  try {
    o.onStart?.(s);
    if (term) {
      // A person watches: markers are recorded but nothing times out.
      const verdict = expectAll(s, expected, 2 ** 31 - 1).then(
        () => undefined,
        (e: unknown) => e,
      );
      await attachKeys(term, (b) => s.send(b), s.exited);
      await s.stop();
      const failure = await verdict;
      if (failure instanceof InterruptedError) throw failure;
      ok = failure === undefined;
    } else {
      await expectAll(s, retry ? expected.slice(1) : expected, timeoutMs);
    }
  } finally {
    await s.stop();
  }
  return {
    ok,
    timeline: s.expecter.timeline.entries,
    markers: s.expecter.markers,
    consoleLog: s.logs.console,
    eventsLog: s.logs.events,
    qemuLog: s.logs.qemu,
    seconds: s.expecter.seconds(),
    retries: started.retries,
  };
}
