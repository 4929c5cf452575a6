import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { RunResult } from "../../../src/dom0/run.ts";
import { EMPTY_WORLD, Poller, XS_ORIGIN, XS_READY, type Dom0Io } from "../../../src/switcher/poll.ts";
import { fixture, XL_FIXTURES } from "../dom0/fixtures.ts";

const ok = (stdout: string): RunResult => ({ stdout, stderr: "", code: 0 });

/** dom0 as captured in the second boot: tiny and deb running, deb's log without a READY yet. */
function io(over: Partial<Record<string, RunResult>> = {}, logs: Record<string, string> = {}) {
  const calls: string[] = [];
  const answers: Record<string, RunResult> = {
    "xl list": ok(fixture("xl-list-running.txt")),
    "xl list -l": ok(fixture("xl-list-l-running.json")),
    "xl uptime": ok(fixture("xl-uptime-running.txt")),
    "xl info": ok(fixture("xl-info-running.txt")),
    "xenstore-ls -f /local/domain": ok(
      `${fixture("xenstore-ls-f-running.txt")}${XS_ORIGIN(1)} = "restored"\n${XS_READY(1)} = "12.5"\n/local/domain/2/console/vnc-port = "5901"\n`,
    ),
    ...over,
  } as Record<string, RunResult>;
  const files: Record<string, string> = {
    "/proc/meminfo": fixture("proc-meminfo.txt"),
    "/logs/guest-deb.log": "livedeck: guest deb (jeos) init at 9.34 s\n",
    ...logs,
  };
  const dom0: Dom0Io = {
    run: async (argv) => {
      calls.push(argv.join(" "));
      const a = answers[argv.join(" ")];
      if (!a) throw new Error(`unexpected ${argv.join(" ")}`);
      return a;
    },
    readTail: async (path) => files[path] ?? null,
    now: () => 1_000_000,
  };
  return { dom0, calls };
}

const config = { mediumDir: join(XL_FIXTURES, "medium"), consoleLogDir: "/logs" };

describe("Poller", () => {
  it("collects domains, their details, readiness and memory", async () => {
    const { dom0 } = io();
    const { world, errors } = await new Poller(dom0, config).collect(EMPTY_WORLD);
    expect(errors).toEqual([]);
    expect(world.medium.map((g) => g.name)).toEqual(["tiny", "deb", "t80"]);
    expect(world.domains.map((d) => d.name)).toEqual(["Domain-0", "tiny", "deb"]);
    expect(world.hv).toEqual({ totalMiB: 3071, freeMiB: expect.any(Number), xenVersion: "4.17.7" });
    expect(world.dom0).toEqual({ totalMiB: 1391, availableMiB: 1153 });
    expect(world.extra.get("tiny")).toMatchObject({
      flavour: "micro",
      ip: "172.20.216.10",
      origin: "restored",
      ready: true,
    });
    expect(world.extra.get("deb")).toMatchObject({
      flavour: "jeos",
      ip: "172.20.216.12",
      ready: false,
      vnc: "127.0.0.1:5901",
    });
    const up = world.extra.get("deb")!.startedAtMs!;
    expect(1_000_000 - up).toBeGreaterThan(0);
  });

  it("reads the details again, a few times at most, for a ready guest whose origin is not written yet", async () => {
    const { dom0, calls } = io({}, { "/logs/guest-deb.log": "LIVEDECK-GUEST-READY deb\n" });
    const p = new Poller(dom0, config);
    let world = (await p.collect(EMPTY_WORLD)).world;
    expect(world.extra.get("deb")).toMatchObject({ ready: true });
    expect(world.extra.get("deb")?.origin).toBeUndefined();
    const rereads: number[] = [];
    for (let i = 0; i < 8; i++) {
      calls.length = 0;
      world = (await p.collect(world)).world;
      rereads.push(calls.filter((c) => c === "xl list -l").length);
    }
    expect(rereads).toEqual([1, 1, 1, 1, 1, 0, 0, 0]);
  });

  it("reads details again only when the domains change; xl info every few seconds", async () => {
    const { dom0, calls } = io();
    const p = new Poller(dom0, config);
    const first = await p.collect(EMPTY_WORLD);
    calls.length = 0;
    await p.collect(first.world);
    expect(calls).toEqual(["xl list"]);
    p.invalidate(false);
    calls.length = 0;
    await p.collect(first.world);
    expect(calls.sort()).toEqual(["xl info", "xl list"]);
    p.invalidate(true);
    calls.length = 0;
    await p.collect(first.world);
    expect(calls.sort()).toEqual([
      "xenstore-ls -f /local/domain",
      "xl info",
      "xl list",
      "xl list -l",
      "xl uptime",
    ]);
  });

  it("reads the supervisor's verdict on deck guests that have no domain", async () => {
    const { dom0 } = io(
      {},
      {
        "/run/livedeck/guests/t80/state": "failed\n",
        "/run/livedeck/guests/t80/reason": "crashed\n",
        "/run/livedeck/guests/tiny/state": "failed\n",
      },
    );
    const { world } = await new Poller(dom0, config).collect(EMPTY_WORLD);
    // tiny has a domain (its own state counts); t80 has none.
    expect(Object.fromEntries(world.bootFailures)).toEqual({ t80: "crashed" });
  });

  it("a guest becomes ready when its log says so", async () => {
    const { dom0 } = io({}, { "/logs/guest-deb.log": fixture("console-guest-deb.log") });
    const { world } = await new Poller(dom0, config).collect(EMPTY_WORLD);
    expect(world.extra.get("deb")!.ready).toBe(true);
  });

  it("keeps what it knew when a command fails, and says what failed", async () => {
    const { dom0 } = io();
    const p = new Poller(dom0, config);
    const first = await p.collect(EMPTY_WORLD);
    p.invalidate(true);
    const broken = io({
      "xl list": {
        stdout: "",
        stderr: "xc: error: Could not obtain handle on privileged command interface\n",
        code: 1,
      },
    });
    const p2 = new Poller(broken.dom0, config);
    const { world, errors } = await p2.collect(first.world);
    expect(errors).toEqual(["xl list: xc: error: Could not obtain handle on privileged command interface"]);
    expect(world.domains).toBe(first.world.domains);
  });
});
