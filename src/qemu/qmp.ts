import { connect, type Socket } from "node:net";

/**
 * A small QMP client (QEMU Machine Protocol: one JSON object per line over the -qmp socket).
 * Enough for tests and the harness: greeting, capabilities negotiation, one command at a time.
 * Asynchronous events ({"event": …}) are kept in `events`, not mistaken for replies.
 */

export class QmpError extends Error {
  constructor(
    readonly command: string,
    readonly errorClass: string,
    desc: string,
  ) {
    super(`QMP ${command}: ${errorClass}: ${desc}`);
  }
}

export interface QmpEvent {
  event: string;
  data?: unknown;
}

type Reply = { return: unknown } | { error: { class: string; desc: string } };

/** Splits a byte stream into complete lines; keeps the unfinished rest for the next chunk. */
export function splitLines(buffered: string, chunk: string): { lines: string[]; rest: string } {
  const parts = (buffered + chunk).split("\n");
  const rest = parts.pop()!;
  return { lines: parts.map((l) => l.trim()).filter(Boolean), rest };
}

/** The wire form of a command. */
export function qmpCommand(name: string, args?: Record<string, unknown>): string {
  return `${JSON.stringify(args ? { execute: name, arguments: args } : { execute: name })}\n`;
}

export class Qmp {
  readonly events: QmpEvent[] = [];
  private rest = "";
  private waiting: ((r: unknown) => void)[] = [];
  /** Replies that came before anyone waited for them (the greeting, typically). */
  private unclaimed: unknown[] = [];
  private closed?: Error;

  private constructor(private readonly sock: Socket) {
    sock.setEncoding("utf8");
    sock.on("data", (chunk: string) => this.feed(chunk));
    const end = (e?: Error) => {
      this.closed = e ?? new Error("QMP socket closed");
      for (const w of this.waiting.splice(0)) w({ error: { class: "Closed", desc: this.closed.message } });
    };
    sock.on("error", end);
    sock.on("close", () => end());
  }

  /** Connects, reads the greeting and leaves capabilities negotiation mode. */
  static async connect(path: string): Promise<Qmp> {
    const sock = await new Promise<Socket>((resolve, reject) => {
      const s = connect(path, () => resolve(s));
      s.once("error", reject);
    });
    const q = new Qmp(sock);
    const greeting = await q.next();
    if (!("QMP" in (greeting as object))) throw new Error(`QMP: unexpected greeting ${JSON.stringify(greeting)}`);
    await q.execute("qmp_capabilities");
    return q;
  }

  private feed(chunk: string): void {
    const { lines, rest } = splitLines(this.rest, chunk);
    this.rest = rest;
    for (const line of lines) {
      const msg = JSON.parse(line) as Record<string, unknown>;
      if ("event" in msg) this.events.push(msg as unknown as QmpEvent);
      else {
        const w = this.waiting.shift();
        if (w) w(msg);
        else this.unclaimed.push(msg);
      }
    }
  }

  private next(): Promise<unknown> {
    if (this.unclaimed.length) return Promise.resolve(this.unclaimed.shift());
    if (this.closed) return Promise.reject(this.closed);
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  /** Runs one command and resolves with its `return` value; a QMP error rejects with QmpError. */
  async execute(name: string, args?: Record<string, unknown>): Promise<unknown> {
    const reply = this.next();
    this.sock.write(qmpCommand(name, args));
    const r = (await reply) as Reply;
    if ("error" in r) throw new QmpError(name, r.error.class, r.error.desc);
    return r.return;
  }

  /** Opens the tray of a removable drive (its -drive id) and takes the medium out, locked or not. */
  eject(drive: string): Promise<unknown> {
    return this.execute("eject", { device: drive, force: true });
  }

  close(): void {
    this.sock.end();
  }
}
