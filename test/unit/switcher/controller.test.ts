import { describe, expect, it } from "vitest";
import type { Runner } from "../../../src/dom0/run.ts";
import { Controller } from "../../../src/switcher/controller.ts";
import { demoConsoleArgv, demoSetup } from "../../../src/switcher/demo.ts";
import type { Dom0Io } from "../../../src/switcher/poll.ts";
import { XL_FIXTURES } from "../dom0/fixtures.ts";
import { Recorder, until } from "./recorder.ts";

/** The controller on the demo stand-in, with a hook to make commands fail. */
async function setup(
  o: {
    shutdownTimeoutMs?: number;
    breakRun?: (argv: readonly string[]) => boolean;
    /** Extra time a command takes (a slow `xl list` under TCG). */
    slowRun?: (argv: readonly string[]) => number;
    /** Leave the first refresh to the test. */
    fresh?: boolean;
  } = {},
) {
  const seen: string[][] = [];
  const demo = await demoSetup(XL_FIXTURES, { createMs: 20, shutdownMs: 20 });
  const run: Runner = async (argv, opts) => {
    seen.push([...argv]);
    const ms = o.slowRun?.(argv) ?? 0;
    if (ms) await new Promise((r) => setTimeout(r, ms));
    return o.breakRun?.(argv)
      ? { stdout: "", stderr: "libxl: error: libxl_x.c:1:f: it broke\n", code: 1 }
      : demo.io.run(argv, opts);
  };
  const io: Dom0Io = { ...demo.io, run };
  const view = new Recorder();
  const c = new Controller({
    io,
    poll: { mediumDir: demo.mediumDir, consoleLogDir: demo.consoleLogDir },
    view,
    demo: true,
    allowQuit: true,
    shutdownTimeoutMs: o.shutdownTimeoutMs ?? 2000,
    pollMs: 60_000,
    consoleArgv: demoConsoleArgv,
    viewArgv: demoConsoleArgv,
    shellArgv: ["/bin/sh", "-l"],
  });
  if (!o.fresh) await c.refresh(true);
  return { c, view, io, seen };
}

describe("controller on the demo stand-in", () => {
  it("draws the recorded machine", async () => {
    const { view } = await setup();
    expect(view.last.header).toMatch(/^ DEMO livedeck  dom0 1153\/1391M free  Xen 4.17.7 \d+\/3071M free/);
    expect(["tiny", "deb", "t80"].map((n) => view.state(n))).toEqual(["running", "stopped", "failed"]);
  });

  it("the first frame lists the deck before any xl call, however slow xl is (from the swfirst branch)", async () => {
    const { c, view, seen } = await setup({ fresh: true, slowRun: () => 5_000 });
    await c.drawFirst();
    expect(seen).toEqual([]);
    expect(["tiny", "deb", "t80"].map((n) => view.state(n))).toEqual(["stopped", "stopped", "stopped"]);
    c.stop();
  });

  it("p pauses and p resumes the selected guest", async () => {
    const { c, view } = await setup();
    c.key("p");
    await until(() => view.state("tiny") === "paused", "paused");
    expect(view.lines).toContain("tiny: paused");
    c.key("p");
    await until(() => view.state("tiny") === "running", "running");
  });

  it("p pressed again before the list shows the pause does not pause twice", async () => {
    let slow = false;
    const { c, view, io } = await setup({
      slowRun: (argv) => (slow && argv.join(" ") === "xl list" ? 200 : 0),
    });
    slow = true;
    c.key("p");
    await until(() => view.lines.includes("tiny: paused"), "xl pause done");
    expect(view.state("tiny")).toBe("running"); // the list is still being read
    c.key("p");
    await until(() => view.state("tiny") === "paused" && c.ops.size === 0, "paused");
    slow = false;
    expect(view.lines.filter((l) => l === "tiny: paused")).toHaveLength(1);
    expect(view.lines).toContain("tiny: pause is still in progress");
    c.key("p");
    await until(() => view.state("tiny") === "running", "resumed by one unpause");
    expect((await io.run(["xl", "list"])).stdout).toMatch(/^tiny +1 +96 +1 +-b----/m);
  });

  it("Enter hands the terminal to the guest's console and logs the return", async () => {
    const { c, view } = await setup();
    c.key("enter");
    await until(() => view.lines.includes("back from tiny's console"), "return");
    expect(view.ran).toEqual([demoConsoleArgv("tiny")]);
  });

  it("a key typed right after the console hands the terminal back counts; one while attached does not", async () => {
    const { c, view } = await setup();
    const before = view.last.lines.findIndex((l) => l.startsWith(">"));
    // the second event of the attaching Enter arrives while attached: it must not attach again
    view.attachedDuring = async () => void c.key("enter");
    // blessed takes keys again before the terminal run has resolved
    view.during = async () => void c.key("j");
    c.key("enter");
    await until(() => view.lines.includes("back from tiny's console"), "return");
    await until(
      () => view.last.lines.findIndex((l) => l.startsWith(">")) === before + 1,
      "the selection move",
    );
    expect(view.ran).toHaveLength(1);
  });

  it("a console that fails says why in the log pane", async () => {
    const { c, view } = await setup();
    view.next = {
      code: 2,
      stderr: "xenconsole: Could not open /var/lock/xenconsole.1: No such file or directory\n",
    };
    c.key("enter");
    await until(() => view.lines.some((l) => l.startsWith("error: console")), "error");
    expect(view.lines).toContain(
      "error: console of tiny ended with exit code 2: xenconsole: Could not open /var/lock/xenconsole.1: No such file or directory",
    );
  });

  it("a guest that goes away while attached is reported", async () => {
    const { c, view, io } = await setup();
    view.during = () => io.run(["xl", "destroy", "tiny"]);
    c.key("enter");
    await until(() => view.lines.includes("tiny is gone: it stopped while attached"), "report");
    expect(view.state("tiny")).toBe("stopped");
  });

  it("s cold-boots a stopped guest, shows it starting, then running from a cold boot", async () => {
    const { c, view } = await setup();
    c.key("down");
    c.key("s");
    expect(view.state("deb")).toBe("starting");
    expect(view.last.status).toMatch(/^ start deb \d+s \(c cancels\)$/);
    await until(() => view.lines.some((l) => /^deb: created in/.test(l)), "created");
    await until(() => (c.refresh(false), view.state("deb") === "running"), "running");
    expect(view.last.lines[1]).toMatch(/ cold +$/);
  });

  it("s starts through dom0's guest-start, which hands guests this boot's parameters as guests-up does", async () => {
    const { c, view, seen } = await setup();
    c.key("down");
    c.key("s");
    await until(() => view.lines.some((l) => /^deb: created in/.test(l)), "created");
    expect(seen.filter((a) => a[0] === "guest-start")).toEqual([
      ["guest-start", "deb", expect.stringMatching(/deb/)],
    ]);
  });

  it("S asks RAM or disk, saves through guest-save (not cancellable), lists it saved; s restores it", async () => {
    const { c, view, seen } = await setup();
    c.key("S-s");
    expect(view.last.confirm).toMatch(/^Save tiny .* r:RAM .* d:disk/);
    c.key("d");
    expect(view.state("tiny")).toBe("saving");
    expect(view.last.status).toMatch(/^ save tiny \d+s$/);
    c.key("c");
    expect(view.lines).toContain("tiny: a save cannot be cancelled (the guest would stay suspended)");
    await until(
      () => view.lines.some((l) => /^tiny: saved to disk in [\d.]+ s \(12\.0 MiB\); s restores it$/.test(l)),
      "saved",
    );
    expect(seen).toContainEqual(["guest-save", "tiny", "disk"]);
    await until(() => view.last.lines[0]!.includes(" saved disk "), "listed saved");
    c.key("s");
    await until(() => view.lines.some((l) => /^tiny: restored in [\d.]+ s, ready$/.test(l)), "restored");
    await until(() => (c.refresh(false), view.state("tiny") === "running"), "running");
    expect(view.last.lines[0]).toMatch(/ restored *$/);
  });

  it("a refused save says why and the guest keeps its row", async () => {
    const { c, view } = await setup({ breakRun: (a) => a[0] === "guest-save" });
    c.key("S-s");
    c.key("r");
    await until(() => view.lines.some((l) => l.startsWith("error: ")), "the error");
    expect(view.lines.at(-1)).toMatch(
      /^error: guest-save tiny: no "saved" or "not saved" line in its output: libxl: error/,
    );
    expect(view.state("tiny")).toBe("running");
  });

  it("c cancels a start in progress", async () => {
    const { c, view } = await setup();
    c.key("down");
    c.key("s");
    c.key("c");
    await until(() => view.lines.some((l) => /^deb: start cancelled after/.test(l)), "cancelled");
    expect(view.state("deb")).toBe("stopped");
  });

  it("a guest that does not shut down in time is destroyed only after y", async () => {
    const { c, view } = await setup({ shutdownTimeoutMs: 50 });
    c.key("p"); // a paused guest ignores the shutdown request
    await until(() => view.state("tiny") === "paused", "paused");
    c.key("d");
    await until(() => view.last.confirm !== null, "question");
    expect(view.last.confirm).toMatch(/^tiny did not shut down in \d+ s\. Destroy it/);
    expect(view.state("tiny")).toBe("paused");
    c.key("y");
    await until(() => view.state("tiny") === "stopped", "destroyed");
    expect(view.lines).toContain("tiny: destroyed");
  });

  it("a clean shutdown of a running guest needs no question", async () => {
    const { c, view } = await setup();
    c.key("d");
    await until(() => view.lines.some((l) => /^tiny: shut down in/.test(l)), "down");
    expect(view.state("tiny")).toBe("stopped");
    expect(view.last.confirm).toBeNull();
  });

  it("an xl error goes to the log pane and the switcher keeps going", async () => {
    const { c, view } = await setup({ breakRun: (argv) => argv.join(" ") === "xl pause tiny" });
    c.key("p");
    await until(() => view.lines.some((l) => l.startsWith("error:")), "error");
    expect(view.lines).toContain("error: xl pause tiny: it broke");
    expect(view.last.status).toBe(" tiny: domain 1  last error: xl pause tiny: it broke");
    c.key("down");
    expect(view.last.lines[1]!.startsWith(">deb")).toBe(true);
  });

  it("a refresh error that repeats is logged once", async () => {
    const { c, view } = await setup({ breakRun: (argv) => argv.join(" ") === "xl info" });
    await c.refresh(true);
    await c.refresh(true);
    expect(view.lines.filter((l) => l === "error: xl info: it broke")).toHaveLength(1);
    expect(view.last.header).toContain("Xen ?");
  });

  it("asks before starting a guest that does not fit in Xen's free memory", async () => {
    const { c, view } = await setup();
    c.world = { ...c.world, hv: { ...c.world.hv!, freeMiB: 100 } };
    c.key("down");
    c.key("s");
    expect(view.last.confirm).toBe(
      "deb needs 128M, Xen has 100M free: save (S) or stop (d) a guest first. Start anyway? [y/n]",
    );
    expect(view.state("deb")).toBe("stopped");
    c.key("y");
    await until(() => view.lines.some((l) => /^deb: created in/.test(l)), "created anyway");
  });

  it("l shows the guest's console log without escape sequences", async () => {
    const { c, view } = await setup();
    c.key("l");
    await until(() => view.shown !== null, "log");
    expect(view.shown!.title).toBe("/var/log/xen/console/guest-tiny.log (Esc closes)");
    expect(view.shown!.text).toContain("LIVEDECK-GUEST-READY tiny");
    expect(view.shown!.text).not.toContain("\x1b");
  });

  it("the dom0 shell runs after y, and q quits the demo", async () => {
    const { c, view } = await setup();
    c.key("!");
    expect(view.ran).toEqual([]);
    c.key("y");
    await until(() => view.lines.includes("back from the dom0 shell"), "shell");
    expect(view.ran).toEqual([["/bin/sh", "-l"]]);
    c.key("q");
    await c.done;
  });
});
