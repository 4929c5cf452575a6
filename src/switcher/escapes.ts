/**
 * On a serial console an arrow key's three bytes (ESC [ B) can arrive in two reads; blessed parses
 * each read on its own and would see Escape, then "[" and "B". This holds back an escape sequence
 * cut at the end of a read until the next read (or a short timeout: a lone Escape key).
 */

/**
 * How long a cut sequence waits for its rest. A busy dom0 under TCG was seen to lose an arrow key
 * with 40 ms; ncurses waits 1 s (ESCDELAY). Only a lone Escape key pays this delay.
 */
export const ESCAPE_WAIT_MS = 300;

/** Splits `s` into what can be parsed now and a trailing escape sequence that may be incomplete. */
export function splitIncompleteEscape(s: string): [complete: string, rest: string] {
  const m = /\x1b(?:\[[0-9;?]*|O|\[\[)?$/.exec(s);
  return m ? [s.slice(0, m.index), m[0]] : [s, ""];
}

/** Wraps `stream`'s data events so readers (blessed) only ever see whole escape sequences. */
export function coalesceEscapes(stream: NodeJS.ReadStream, waitMs = ESCAPE_WAIT_MS): void {
  const emit = stream.emit.bind(stream) as (event: string | symbol, ...args: unknown[]) => boolean;
  let pending = "";
  let timer: NodeJS.Timeout | undefined;
  const flush = () => {
    const p = pending;
    pending = "";
    if (p) emit("data", Buffer.from(p, "latin1"));
  };
  stream.emit = ((event: string | symbol, ...args: unknown[]) => {
    if (event !== "data") return emit(event, ...args);
    clearTimeout(timer);
    const chunk = args[0];
    const text = pending + (Buffer.isBuffer(chunk) ? chunk.toString("latin1") : String(chunk));
    const [now, rest] = splitIncompleteEscape(text);
    pending = rest;
    if (rest) timer = setTimeout(flush, waitMs);
    return now ? emit("data", Buffer.from(now, "latin1")) : true;
  }) as typeof stream.emit;
}
