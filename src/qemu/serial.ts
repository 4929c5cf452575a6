import { spawn, type ChildProcess } from "node:child_process";
import { createWriteStream, type WriteStream } from "node:fs";
import { open, writeFile } from "node:fs/promises";
import { tailLines } from "../errors.ts";
import { LineSplitter } from "./lines.ts";

export interface QemuProcessOptions {
  /** From qemuArgv: serial 0 on stdio, serial 1 to `eventsFile`. */
  argv: readonly string[];
  eventsFile: string;
  /** Raw console bytes, as QEMU wrote them. */
  consoleLog: string;
  /** QEMU's own stderr. */
  qemuLog: string;
  onConsoleLine(raw: string): void;
  onEventsLine(raw: string): void;
  /** Console bytes as they come (an attached terminal). */
  onConsoleData?(chunk: Buffer): void;
  /** livedeck got SIGINT/SIGTERM/SIGHUP; QEMU is already being killed. */
  onSignal?(): void;
}

const EVENTS_POLL_MS = 100;
const SIGNALS = ["SIGINT", "SIGTERM", "SIGHUP"] as const;

/**
 * One running QEMU. It gets its own process group and a parent-death signal (setpriv), and every
 * way out of livedeck (stop, a signal, process exit) kills that group: no VM outlives its boot.
 */
export class QemuProcess {
  /** Resolves after the last console and events bytes were delivered, with how QEMU ended. */
  readonly exited: Promise<string>;
  private readonly child: ChildProcess;
  private readonly log: WriteStream;
  private stderr = "";
  private eventsOffset = 0;
  private eventsBusy?: Promise<void>;
  private readonly poll: NodeJS.Timeout;
  private readonly hooks: { signal: () => void; exit: () => void };

  private constructor(private readonly o: QemuProcessOptions) {
    const [file, ...args] = o.argv;
    this.log = createWriteStream(o.consoleLog);
    this.child = spawn("setpriv", ["--pdeathsig", "KILL", "--", file!, ...args], {
      detached: true,
      stdio: ["pipe", "pipe", "pipe"],
    });
    const qemuLog = createWriteStream(o.qemuLog);
    const console = new LineSplitter(o.onConsoleLine);
    const events = new LineSplitter(o.onEventsLine);
    this.child.stdin!.on("error", () => {}); // EPIPE once QEMU is gone: send() is best effort
    this.child.stdout!.on("data", (chunk: Buffer) => {
      this.log.write(chunk);
      o.onConsoleData?.(chunk);
      console.push(chunk);
    });
    this.child.stderr!.on("data", (chunk: Buffer) => {
      qemuLog.write(chunk);
      this.stderr = (this.stderr + chunk.toString()).slice(-8192);
    });
    this.poll = setInterval(() => void this.readEvents(events), EVENTS_POLL_MS);
    this.hooks = {
      signal: () => {
        this.kill();
        o.onSignal?.();
      },
      exit: () => this.kill(),
    };
    for (const s of SIGNALS) process.on(s, this.hooks.signal);
    process.on("exit", this.hooks.exit);
    this.exited = new Promise<string>((resolve) => {
      let spawnError: string | undefined;
      this.child.on("error", (e) => (spawnError = e.message));
      this.child.on("close", async (code, signal) => {
        clearInterval(this.poll);
        await this.eventsBusy; // a poll may have hit EOF before QEMU's last write
        await this.readEvents(events);
        console.flush();
        events.flush();
        this.unhook();
        await Promise.all([endStream(this.log), endStream(qemuLog)]);
        resolve(spawnError ?? (signal ? `killed by ${signal}` : `exit code ${code}`));
      });
    });
  }

  /** Starts QEMU; the events file is created empty first so it can be read from the first poll. */
  static async start(o: QemuProcessOptions): Promise<QemuProcess> {
    await writeFile(o.eventsFile, "");
    return new QemuProcess(o);
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** Types on the serial console. */
  send(text: string | Buffer): void {
    if (this.child.stdin?.writable) this.child.stdin.write(text);
  }

  /** QEMU's last stderr lines. */
  stderrTail(n = 20): string {
    return tailLines(this.stderr, n);
  }

  /** Kills QEMU (if still running) and waits until its output is fully read. */
  async stop(): Promise<string> {
    this.kill();
    return this.exited;
  }

  private kill(): void {
    const pid = this.child.pid;
    if (pid === undefined || this.child.exitCode !== null || this.child.signalCode !== null) return;
    try {
      process.kill(-pid, "SIGKILL");
    } catch {
      // ESRCH: already gone.
    }
  }

  private unhook(): void {
    for (const s of SIGNALS) process.off(s, this.hooks.signal);
    process.off("exit", this.hooks.exit);
  }

  private readEvents(events: LineSplitter): Promise<void> {
    this.eventsBusy ??= (async () => {
      const fh = await open(this.o.eventsFile, "r");
      try {
        const buf = Buffer.alloc(64 * 1024);
        for (;;) {
          const { bytesRead } = await fh.read(buf, 0, buf.length, this.eventsOffset);
          if (bytesRead === 0) break;
          this.eventsOffset += bytesRead;
          events.push(buf.subarray(0, bytesRead));
        }
      } finally {
        await fh.close();
        this.eventsBusy = undefined;
      }
    })().catch(() => {});
    return this.eventsBusy;
  }
}

function endStream(s: WriteStream): Promise<void> {
  return new Promise((resolve) => s.end(resolve));
}
