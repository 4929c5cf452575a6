import { describe, expect, it } from "vitest";
import { parseXlList } from "../../../src/dom0/xl-parse.ts";
import {
  domainState,
  formatUptime,
  headerLine,
  rows,
  tableHeader,
  tableLine,
} from "../../../src/switcher/model.ts";
import { fixture } from "../dom0/fixtures.ts";
import { capturedWorld, idle } from "./world.ts";

const NOW = 301_000;

describe("rows", () => {
  it("lists the medium's guests in deck order with their live state", async () => {
    const r = rows(await capturedWorld(), idle, NOW);
    expect(
      r.map((x) => [x.name, x.flavour, x.state, x.memMiB, x.vcpus, x.uptime, x.ip, x.boot, x.id]),
    ).toEqual([
      ["tiny", "micro", "running", 96, 1, "5m01s", "172.20.216.10", "cold", 1],
      ["deb", "jeos", "stopped", 128, 1, "-", "172.20.216.12", "-", null],
      ["t80", "micro", "failed", 80, 1, "4m33s", "172.20.216.11", "-", 2],
    ]);
    expect(r[1]!.configPath).toMatch(/2-deb\.cfg$/);
  });

  it("adds domains that are not on the medium after the deck's, never dom0", async () => {
    const world = await capturedWorld();
    const extraDomain = parseXlList(fixture("xl-list.txt").replace(/^t80 /m, "adhoc"))[2]!;
    const r = rows({ ...world, domains: [...world.domains, { ...extraDomain, id: 9 }] }, idle, NOW);
    expect(r.map((x) => x.name)).toEqual(["tiny", "deb", "t80", "adhoc"]);
    expect(r[3]).toMatchObject({ flavour: "-", configPath: null, id: 9 });
  });

  it("shows work in flight over the domain's state, and a failed start on a stopped guest", async () => {
    const world = await capturedWorld();
    const now = { sinceMs: 0, abort: new AbortController() };
    const busy = {
      ops: new Map([
        ["deb", { kind: "start" as const, ...now }],
        ["tiny", { kind: "shutdown" as const, ...now }],
      ]),
      failures: new Map(),
    };
    expect(rows(world, busy, NOW).map((x) => x.state)).toEqual(["stopping", "starting", "failed"]);
    const failed = {
      ops: new Map(),
      failures: new Map([
        ["deb", "xl create: boom"],
        ["tiny", "xl pause: boom"],
      ]),
    };
    expect(rows(world, failed, NOW).map((x) => x.state)).toEqual(["running", "failed", "failed"]);
  });

  it("a guest not yet ready is starting", async () => {
    const world = await capturedWorld({ tiny: { ready: false } });
    expect(rows(world, idle, NOW)[0]!.state).toBe("starting");
  });
});

describe("domain state", () => {
  const d = (file: string, name: string) => parseXlList(fixture(file)).find((x) => x.name === name)!;
  it.each([
    ["xl-list.txt", "tiny", "running"],
    ["xl-list.txt", "t80", "failed"],
    ["xl-list-paused.txt", "t80", "failed"],
    ["xl-list-shutdown.txt", "tiny", "stopped"],
  ] as const)("%s %s → %s", (file, name, state) => {
    expect(domainState(d(file, name), { ready: true })).toBe(state);
  });

  it("paused and dying", () => {
    const tiny = d("xl-list.txt", "tiny");
    expect(domainState({ ...tiny, flags: { ...tiny.flags, paused: true } }, undefined)).toBe("paused");
    expect(domainState({ ...tiny, flags: { ...tiny.flags, dying: true } }, undefined)).toBe("stopping");
  });
});

describe("formatting", () => {
  it.each([
    [0, "0s"],
    [59.9, "59s"],
    [61, "1m01s"],
    [3599, "59m59s"],
    [3600, "1h00m"],
    [86399, "23h59m"],
    [90000, "1d01h"],
    [-5, "0s"],
  ])("uptime %d s → %s", (s, text) => {
    expect(formatUptime(s)).toBe(text);
  });

  it("fits every line to the width, growing the name column on wide screens", async () => {
    const r = rows(await capturedWorld(), idle, NOW);
    for (const w of [80, 100, 132]) {
      expect(tableHeader(w)).toHaveLength(w);
      for (const row of r) expect(tableLine(row, w)).toHaveLength(w);
    }
    expect(tableHeader(80)).toBe(
      " NAME          FLAVOUR  STATE           MEM CPU  UPTIME IP             BOOT     ",
    );
    expect(tableLine(r[0]!, 80)).toBe(
      " tiny          micro    running         96M   1   5m01s 172.20.216.10  cold     ",
    );
    expect(tableHeader(100).indexOf("FLAVOUR")).toBeGreaterThan(tableHeader(80).indexOf("FLAVOUR"));
  });

  it("shows a saved guest as saved ram or saved disk; a domain of that name wins", async () => {
    const world = {
      ...(await capturedWorld()),
      saved: new Map([
        ["deb", "ram" as const],
        ["tiny", "disk" as const],
      ]),
    };
    const r = rows(world, idle, NOW);
    expect(tableLine(r[1]!, 80)).toMatch(/^ deb +jeos +saved ram +128M /);
    expect(tableLine({ ...r[1]!, saved: "disk" }, 80)).toMatch(/ saved disk +128M /);
    expect(r[0]).toMatchObject({ name: "tiny", state: "running", saved: null });
    const saving = rows(
      world,
      { ...idle, ops: new Map([["tiny", { kind: "save" as const, sinceMs: 0 }]]) },
      NOW,
    );
    expect(saving[0]!.state).toBe("saving");
  });

  it("cuts a long name with a ~", async () => {
    const r = rows(await capturedWorld(), idle, NOW)[0]!;
    expect(tableLine({ ...r, name: "a-very-long-guest-name" }, 80).slice(0, 15)).toBe(" a-very-long-~ ");
  });

  it("labels a demo header at both ends", async () => {
    const world = await capturedWorld();
    const h = headerLine(world, true, 80);
    expect(h).toHaveLength(80);
    expect(h.startsWith(" DEMO livedeck  dom0 1172/1463M free  Xen 4.17.7 1326/3071M free")).toBe(true);
    expect(h.endsWith("DEMO ")).toBe(true);
    expect(headerLine(world, false, 80)).not.toContain("DEMO");
    expect(headerLine({ ...world, hv: null, dom0: null }, false, 40).trim()).toBe("livedeck  dom0 ?  Xen ?");
  });
});
