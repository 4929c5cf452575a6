import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { restartDelayMs, supervise } from "../../../src/switcher/supervise.ts";

describe("supervise", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "supervise-"));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("backs off 0.5 s, 1 s, 2 s … up to 30 s", () => {
    expect([1, 2, 3, 4, 7, 20].map(restartDelayMs)).toEqual([500, 1000, 2000, 4000, 30_000, 30_000]);
  });

  it("restarts a crashed child, logs its stack, and returns when it exits cleanly", async () => {
    const marker = join(dir, "crashed-once");
    const log = join(dir, "logs", "switcher.log");
    // Crashes the first time (leaving a marker), exits 0 the second.
    const script = `const fs = require("fs"); if (!fs.existsSync(${JSON.stringify(marker)})) { fs.writeFileSync(${JSON.stringify(marker)}, ""); throw new Error("boom in the switcher"); }`;
    const code = await supervise([process.execPath, "-e", script], { logFile: log, now: () => new Date(0) });
    expect(code).toBe(0);
    const text = await readFile(log, "utf8");
    expect(text).toMatch(/^1970-01-01T00:00:00\.000Z switcher exited with code 1:\n/);
    expect(text).toContain("Error: boom in the switcher");
    expect(text).toContain("restarting in 500 ms (restart 1)");
  });

  it("gives up after maxRestarts with the child's code", async () => {
    const log = join(dir, "give-up.log");
    await writeFile(log, "");
    expect(
      await supervise([process.execPath, "-e", "process.exit(7)"], { logFile: log, maxRestarts: 0 }),
    ).toBe(7);
    expect(await readFile(log, "utf8")).toMatch(/switcher exited with code 7\n$/);
  });

  it("gives up on a child that crashes right after every start (a broken bundle)", async () => {
    const log = join(dir, "crash-loop.log");
    await writeFile(log, "");
    expect(
      await supervise([process.execPath, "-e", "process.exit(3)"], { logFile: log, quickCrashMs: 60_000 }),
    ).toBe(3);
    const text = await readFile(log, "utf8");
    expect(text.match(/exited with code 3/g)).toHaveLength(4);
    expect(text).toMatch(/giving up: it crashed 4 times in a row right after starting\n$/);
  }, 20_000);
});
