import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { InterruptedError } from "../../../src/errors.ts";
import { BootFailed, formatBootFailure } from "../../../src/qemu/errors.ts";
import { Expecter } from "../../../src/qemu/expect.ts";

beforeEach(() => void vi.useFakeTimers());
afterEach(() => void vi.useRealTimers());

/** The rejection of `p`, which must reject. */
async function rejection(p: Promise<unknown>): Promise<unknown> {
  return p.then(
    () => expect.fail("expected a rejection"),
    (e: unknown) => e,
  );
}

describe("Expecter", () => {
  it("resolves markers in order with seconds since start, and builds the timeline", async () => {
    const x = new Expecter();
    vi.advanceTimersByTime(400);
    x.feed("console", "Welcome to GRUB!");
    vi.advanceTimersByTime(4600);
    x.feed("console", "(XEN) Xen version 4.17.5");
    vi.advanceTimersByTime(4000);
    x.feed("console", "[    0.000000] Linux version 6.1.0-37-amd64");
    vi.advanceTimersByTime(11_000);
    x.feed("events", "LIVEDECK-DOM0-READY");
    x.feed("events", "LIVEDECK-GUEST-READY jeos restored 1.9");
    await expect(x.expect("LIVEDECK-DOM0-READY", 1000)).resolves.toMatchObject({
      source: "events",
      seconds: 20,
    });
    await expect(x.expect("LIVEDECK-GUEST-READY jeos", 1000)).resolves.toMatchObject({ seconds: 20 });
    expect(x.timeline.entries.map((e) => [e.label, e.seconds])).toEqual([
      ["first serial line", 0.4],
      ["GRUB", 0.4],
      ["Xen", 5],
      ["dom0 kernel", 9],
      ["dom0 ready", 20],
      ["guest jeos ready (restored, 1.9 s)", 20],
    ]);
    expect(x.markers.map((m) => m.marker.kind)).toEqual(["dom0-ready", "guest-ready"]);
  });

  it("waits for a marker that comes later", async () => {
    const x = new Expecter();
    const p = x.expect("LIVEDECK-SWITCHER-READY", 10_000);
    vi.advanceTimersByTime(3000);
    x.feed("console", "LIVEDECK-SWITCHER-READY");
    await expect(p).resolves.toMatchObject({ seconds: 3 });
  });

  it("consumes a channel up to the match, so an old line cannot satisfy the next expect", async () => {
    const x = new Expecter();
    x.feed("console", "~ # ");
    x.feed("console", "LIVEDECK-TEST PASS one");
    await x.expect("LIVEDECK-TEST PASS", 1000);
    const p = x.expect("~ #", 5000);
    vi.advanceTimersByTime(5000);
    expect(await rejection(p)).toMatchObject({ reason: "timeout", awaited: "~ #" });
  });

  it("does not let a lagging events line consume console lines that came before it", async () => {
    const x = new Expecter();
    x.feed("console", "LIVEDECK-DOM0-READY");
    x.feed("console", "scenario?");
    x.feed("events", "LIVEDECK-SWITCHER-READY");
    await x.expect("LIVEDECK-SWITCHER-READY", 1000);
    await expect(x.expect("scenario?", 1000)).resolves.toMatchObject({ source: "console" });
  });

  it("counts a marker written to both channels once", async () => {
    const x = new Expecter();
    x.feed("console", "LIVEDECK-GUEST-READY a cold 3");
    vi.advanceTimersByTime(100);
    x.feed("events", "LIVEDECK-GUEST-READY a cold 3");
    await x.expect("LIVEDECK-GUEST-READY", 1000);
    const second = x.expect("LIVEDECK-GUEST-READY", 2000);
    vi.advanceTimersByTime(2000);
    expect(await rejection(second)).toMatchObject({ reason: "timeout" });
    expect(x.markers).toHaveLength(1);
    expect(x.timeline.entries.filter((e) => e.label.startsWith("guest"))).toHaveLength(1);
  });

  it("on timeout names the awaited marker and carries the last 40 console lines", async () => {
    const x = new Expecter();
    for (let i = 1; i <= 250; i++) x.feed("console", `line ${i}`);
    x.feed("events", "not console");
    const p = x.expect("LIVEDECK-GUEST-READY never", 5000);
    vi.advanceTimersByTime(4999);
    x.feed("console", "line 251");
    vi.advanceTimersByTime(1);
    const e = await rejection(p);
    expect(e).toBeInstanceOf(BootFailed);
    const f = e as BootFailed;
    expect(f.reason).toBe("timeout");
    expect(f.awaited).toBe("LIVEDECK-GUEST-READY never");
    expect(f.detail).toBe("boot failed: no LIVEDECK-GUEST-READY never within 5 s");
    expect(f.tail).toHaveLength(40);
    expect(f.tail[0]).toBe("line 212");
    expect(f.tail.at(-1)).toBe("line 251");
    expect(x.console.last()).toHaveLength(200);
    expect(formatBootFailure(f)).toContain("last 40 console lines:\n  | line 212");
    // the message alone (all a test report shows) carries the end of the tail
    expect(f.message).toMatch(/^boot failed: no LIVEDECK-GUEST-READY never within 5 s\nlast 15 console lines:\n  \| line 237\n/);
    expect(f.message.endsWith("  | line 251")).toBe(true);
  });

  it("fails at once on LIVEDECK-TEST FAIL, but not on a typed command that contains it", async () => {
    const x = new Expecter();
    const p = x.expect("LIVEDECK-TEST PASS", 180_000);
    x.feed("console", "~ # echo LIVEDECK-TEST FAIL");
    x.feed("console", "LIVEDECK-TEST FAIL guest web did not start");
    const e = (await rejection(p)) as BootFailed;
    expect(e.reason).toBe("test-failed");
    expect(e.detail).toBe('boot failed: the medium reported "LIVEDECK-TEST FAIL guest web did not start"');
    expect(e.seconds).toBe(0);
  });

  it("still resolves a marker seen before a failure", async () => {
    const x = new Expecter();
    x.feed("console", "LIVEDECK-DOM0-READY");
    x.feed("console", "LIVEDECK-TEST FAIL later");
    await expect(x.expect("LIVEDECK-DOM0-READY", 1000)).resolves.toBeDefined();
    expect(await rejection(x.expect("LIVEDECK-SWITCHER-READY", 1000))).toMatchObject({
      reason: "test-failed",
    });
  });

  it("on a panic keeps reading briefly so the tail holds the details", async () => {
    const x = new Expecter({ panicGraceMs: 1500 });
    const p = x.expect("LIVEDECK-DOM0-READY", 180_000);
    x.feed("console", "(XEN) Panic on CPU 0:");
    vi.advanceTimersByTime(500);
    x.feed("console", "(XEN) DOM0: Not enough RAM for DOM0 reservation");
    x.feed("console", "LIVEDECK-DOM0-READY"); // after the panic: does not count
    vi.advanceTimersByTime(1000);
    const e = (await rejection(p)) as BootFailed;
    expect(e.reason).toBe("panic");
    expect(e.detail).toBe('boot failed: "(XEN) Panic on CPU 0:" while waiting for LIVEDECK-DOM0-READY');
    expect(e.tail).toContain("(XEN) DOM0: Not enough RAM for DOM0 reservation");
    expect(e.seconds).toBe(1.5);
  });

  it("a panic followed by QEMU's exit fails at the exit", async () => {
    const x = new Expecter({ panicGraceMs: 60_000 });
    const p = x.expect("LIVEDECK-DOM0-READY", 180_000);
    x.feed("console", "[ 3.2] Kernel panic - not syncing: no init found");
    x.end("exit code 0");
    expect(await rejection(p)).toMatchObject({ reason: "panic" });
  });

  it("fails when the awaited guest fails, not when another one does", async () => {
    const x = new Expecter();
    x.feed("events", "LIVEDECK-GUEST-FAILED web no state");
    const p = x.expect("LIVEDECK-GUEST-READY jeos", 180_000);
    x.feed("events", "LIVEDECK-GUEST-FAILED jeos Failed to set CPUID policy");
    const e = (await rejection(p)) as BootFailed;
    expect(e.reason).toBe("guest-failed");
    expect(e.detail).toContain("LIVEDECK-GUEST-FAILED jeos Failed to set CPUID policy");
  });

  it("fails when QEMU exits before the marker, after reading its last lines", async () => {
    const x = new Expecter();
    const p = x.expect("LIVEDECK-DOM0-READY", 180_000);
    x.feed("console", "last words");
    x.end("exit code 1");
    const e = (await rejection(p)) as BootFailed;
    expect(e.reason).toBe("qemu-exited");
    expect(e.detail).toBe("boot failed: QEMU exited (exit code 1) before LIVEDECK-DOM0-READY");
    expect(e.tail).toEqual(["last words"]);
  });

  it("a marker printed just before QEMU exits still counts", async () => {
    const x = new Expecter();
    x.feed("events", "LIVEDECK-TEST PASS");
    x.end("exit code 0");
    await expect(x.expect("LIVEDECK-TEST PASS", 1000)).resolves.toBeDefined();
  });

  it("rejects with InterruptedError on a signal", async () => {
    const x = new Expecter();
    const p = x.expect("LIVEDECK-DOM0-READY", 180_000);
    x.interrupt();
    expect(await rejection(p)).toBeInstanceOf(InterruptedError);
  });

  it("accepts a pattern", async () => {
    const x = new Expecter();
    x.feed("events", "LIVEDECK-GUEST-READY a cold 16.5");
    x.feed("events", "LIVEDECK-GUEST-READY b restored 1.7");
    await expect(x.expect(/GUEST-READY \S+ restored/, 1000)).resolves.toMatchObject({
      text: "LIVEDECK-GUEST-READY b restored 1.7",
    });
  });
});
