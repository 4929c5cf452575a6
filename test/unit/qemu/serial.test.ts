import { readFileSync } from "node:fs";
import { mkdtemp, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { QemuProcess } from "../../../src/qemu/serial.ts";

/** A shell that plays QEMU: console on stdio, events into the file, a child process of its own. */
async function fake(script: string) {
  const dir = await mkdtemp(join(tmpdir(), "livedeck-serial-"));
  const events = join(dir, "events.log");
  const console: string[] = [];
  const eventLines: string[] = [];
  const proc = await QemuProcess.start({
    argv: ["sh", "-c", script, "sh", events],
    eventsFile: events,
    consoleLog: join(dir, "console.log"),
    qemuLog: join(dir, "qemu.log"),
    onConsoleLine: (l) => console.push(l),
    onEventsLine: (l) => eventLines.push(l),
  });
  return { dir, proc, console, eventLines };
}

/** Running (a zombie waiting for init to reap it is dead). */
function alive(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, "latin1"));
  } catch {
    return false;
  }
}

const until = async (cond: () => boolean) => {
  for (let i = 0; i < 200 && !cond(); i++) await new Promise((r) => setTimeout(r, 10));
  expect(cond()).toBe(true);
};

describe("QemuProcess", () => {
  it("reads console and events lines, logs both, and delivers the last bytes before `exited`", async () => {
    const f = await fake(
      'printf "one\\r\\ntwo"; echo LIVEDECK-DOM0-READY >> "$1"; printf tail >> "$1"; echo oops >&2',
    );
    expect(await f.proc.exited).toBe("exit code 0");
    expect(f.console).toEqual(["one\r", "two"]);
    expect(f.eventLines).toEqual(["LIVEDECK-DOM0-READY", "tail"]);
    expect(await readFile(join(f.dir, "console.log"), "utf8")).toBe("one\r\ntwo");
    expect(await readFile(join(f.dir, "qemu.log"), "utf8")).toBe("oops\n");
    expect(f.proc.stderrTail()).toBe("oops");
  });

  it("types on the console", async () => {
    const f = await fake('read line; echo "got $line"');
    f.proc.send("hello\n");
    await f.proc.exited;
    expect(f.console).toEqual(["got hello"]);
  });

  it("stop() kills the whole process group, children included", async () => {
    const f = await fake('sleep 300 & echo "child $!"; wait');
    await until(() => f.console.length > 0);
    const child = Number(f.console[0]!.split(" ")[1]);
    expect(alive(child)).toBe(true);
    expect(await f.proc.stop()).toBe("killed by SIGKILL");
    await until(() => !alive(child));
    expect(alive(f.proc.pid!)).toBe(false);
  });

  it("a signal to livedeck kills QEMU and is reported", async () => {
    let signalled = false;
    const dir = await mkdtemp(join(tmpdir(), "livedeck-serial-"));
    const proc = await QemuProcess.start({
      argv: ["sleep", "300"],
      eventsFile: join(dir, "events.log"),
      consoleLog: join(dir, "console.log"),
      qemuLog: join(dir, "qemu.log"),
      onConsoleLine: () => {},
      onEventsLine: () => {},
      onSignal: () => (signalled = true),
    });
    const before = process.listenerCount("SIGTERM");
    process.emit("SIGTERM", "SIGTERM");
    expect(await proc.exited).toBe("killed by SIGKILL");
    expect(signalled).toBe(true);
    expect(process.listenerCount("SIGTERM")).toBe(before - 1);
  });
});
