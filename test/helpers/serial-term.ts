import { createWriteStream, type WriteStream } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { TmuxTerm } from "../tools/switcher-tmux.ts";

/**
 * What a person at a serial terminal sees: the console's bytes played into a real terminal
 * emulator (a tmux pane of 80×24 running `cat` of a FIFO, the line in raw mode so no byte is
 * translated), read back with capture-pane. Keys go to QEMU directly (BootSession.send).
 */
export class SerialTerm {
  readonly term = new TmuxTerm();
  private dir = "";
  private fifo?: WriteStream;
  /** Every console byte so far, as latin1 text (escape sequences included). */
  raw = "";
  /** When each chunk arrived: [offset in raw, Date.now()]. */
  readonly arrivals: [number, number][] = [];

  async start(): Promise<void> {
    this.dir = await mkdtemp(join(tmpdir(), "livedeck-serial-term-"));
    const path = join(this.dir, "console.fifo");
    await execa("mkfifo", [path]);
    await this.term.start(`stty raw -echo; exec cat ${path}`);
    this.fifo = createWriteStream(path);
  }

  /** A chunk of the console stream (BootSession's onConsoleData). */
  feed(chunk: Buffer): void {
    this.arrivals.push([this.raw.length, Date.now()]);
    this.raw += chunk.toString("latin1");
    this.fifo?.write(chunk);
  }

  /**
   * When the stream first matched `re` at or after offset `from` (the arrival time of the chunk
   * that completed the match), or null.
   */
  matchedAt(re: RegExp, from: number): { at: number; index: number } | null {
    const m = new RegExp(re.source, re.flags.replace("g", "")).exec(this.raw.slice(from));
    if (!m) return null;
    const end = from + m.index + m[0].length;
    let at = Date.now();
    for (const [off, when] of this.arrivals) if (off < end) at = when;
    return { at, index: from + m.index };
  }

  screen(): Promise<string> {
    return this.term.screen();
  }

  waitFor(pred: (screen: string) => boolean, what: string, timeoutMs: number): Promise<string> {
    return this.term.waitFor(pred, what, timeoutMs);
  }

  async stop(): Promise<void> {
    this.fifo?.end();
    await this.term.stop();
    if (this.dir) await rm(this.dir, { recursive: true, force: true });
  }
}
