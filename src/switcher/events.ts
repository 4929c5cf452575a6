import { closeSync, constants, existsSync, openSync, writeSync } from "node:fs";

/**
 * The events channel (DESIGN.md "Boot markers"): once the switcher owns the console, markers go
 * to dom0's second serial port so they reach the harness without garbling the TUI.
 */
export const EVENTS_PORT = "/dev/ttyS1";
export const READY_MARKER = "LIVEDECK-SWITCHER-READY";

/** The channel to use: an explicit path, else /dev/ttyS1 when it exists, else none. */
export function eventsPath(explicit: string | undefined, exists = existsSync): string | null {
  if (explicit) return explicit;
  return exists(EVENTS_PORT) ? EVENTS_PORT : null;
}

/**
 * Writes one marker line. Non-blocking, like initrd-skel's `marker` (which runs under `timeout 2`):
 * a serial port without carrier must not hang the switcher. Returns why it failed, or null.
 */
/**
 * The switcher has drawn its first frame: dom0's guests-up holds the guests back until it exists
 * (or a while), so the person sees the list before the guests compete with Node's start-up.
 */
export const DRAWN_FILE = "/run/livedeck/switcher-drawn";

export function emitMarker(path: string | null, line: string): string | null {
  if (!path) return null;
  try {
    const fd = openSync(
      path,
      constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | constants.O_NONBLOCK | constants.O_NOCTTY,
    );
    try {
      writeSync(fd, `${line}\n`);
    } finally {
      closeSync(fd);
    }
    return null;
  } catch (e) {
    return `cannot write ${line} to ${path}: ${(e as Error).message}`;
  }
}
