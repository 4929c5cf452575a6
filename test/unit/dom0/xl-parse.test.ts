import { describe, expect, it } from "vitest";
import {
  parseStateFlags,
  parseXlInfo,
  parseXlInfoFields,
  parseXlList,
  parseXlUptime,
  XlParseError,
} from "../../../src/dom0/xl-parse.ts";
import { fixture } from "./fixtures.ts";

describe("xl list", () => {
  it("reads dom0, a blocked guest and a crashed one (captured)", () => {
    expect(parseXlList(fixture("xl-list.txt"))).toEqual([
      {
        name: "Domain-0",
        id: 0,
        memMiB: 1536,
        vcpus: 2,
        state: "r-----",
        flags: { running: true, blocked: false, paused: false, shutdown: false, reason: null, dying: false },
        cpuSeconds: 270.8,
      },
      {
        name: "tiny",
        id: 1,
        memMiB: 96,
        vcpus: 1,
        state: "-b----",
        flags: { running: false, blocked: true, paused: false, shutdown: false, reason: null, dying: false },
        cpuSeconds: 15.6,
      },
      {
        name: "t80",
        id: 2,
        memMiB: 80,
        vcpus: 1,
        state: "---sc-",
        flags: {
          running: false,
          blocked: false,
          paused: false,
          shutdown: true,
          reason: "crash",
          dying: false,
        },
        cpuSeconds: 5.1,
      },
    ]);
  });

  it.each([
    ["xl-list-paused.txt", "t80", "--psc-", { paused: true, shutdown: true, reason: "crash" }],
    ["xl-list-shutdown.txt", "tiny", "--ps--", { paused: true, shutdown: true, reason: "poweroff" }],
    ["xl-list-running.txt", "deb", "r-----", { running: true, paused: false, shutdown: false }],
    ["xl-list-paused-running.txt", "deb", "--p---", { running: false, paused: true, shutdown: false }],
  ] as const)("%s: %s is %s", (file, name, state, flags) => {
    const d = parseXlList(fixture(file)).find((x) => x.name === name)!;
    expect(d.state).toBe(state);
    expect(d.flags).toMatchObject(flags);
  });

  it("reads only dom0 before any guest, and after the last is destroyed", () => {
    expect(parseXlList(fixture("xl-list-dom0-only.txt")).map((d) => d.name)).toEqual(["Domain-0"]);
    expect(parseXlList(fixture("xl-list-end.txt")).map((d) => d.id)).toEqual([0]);
  });

  it("ignores the extra columns of xl list -v and -n", () => {
    for (const f of ["xl-list-v.txt", "xl-list-n.txt"])
      expect(parseXlList(fixture(f)).map((d) => [d.name, d.state])).toEqual([
        ["Domain-0", "r-----"],
        ["tiny", "-b----"],
        ["t80", "---sc-"],
      ]);
  });

  it("takes names longer than the 40-column field", () => {
    const long = "a-guest-name-that-is-longer-than-forty-columns";
    const text = `Name                                        ID   Mem VCPUs\tState\tTime(s)\n${long} 7   128     1     -b----       1.5\n`;
    expect(parseXlList(text)[0]).toMatchObject({ name: long, id: 7, memMiB: 128 });
  });

  it("rejects output that is not xl list", () => {
    expect(() => parseXlList("")).toThrow(XlParseError);
    expect(() => parseXlList(fixture("xl-info.txt"))).toThrow(/xl list header/);
    expect(() => parseXlList(`${fixture("xl-list.txt")}garbage line\n`)).toThrow(
      /xl list line: "garbage line"/,
    );
  });
});

describe("state letters", () => {
  it.each([
    ["r-----", { running: true }],
    ["-b----", { blocked: true }],
    ["--p---", { paused: true }],
    ["---s--", { shutdown: true, reason: "poweroff" }],
    ["---sr-", { shutdown: true, reason: "reboot" }],
    ["---ss-", { shutdown: true, reason: "suspend" }],
    ["---sc-", { shutdown: true, reason: "crash" }],
    ["---sw-", { shutdown: true, reason: "watchdog" }],
    ["---sS-", { shutdown: true, reason: "soft_reset" }],
    ["-----d", { dying: true }],
  ] as const)("%s", (state, expected) => {
    expect(parseStateFlags(state)).toMatchObject(expected);
  });

  it.each(["rb", "r------", "x-----", "-b-s-x"])("rejects %j", (s) => {
    expect(() => parseStateFlags(s)).toThrow(XlParseError);
  });
});

describe("xl info", () => {
  it("reads the typed fields (captured)", () => {
    const info = parseXlInfo(fixture("xl-info.txt"));
    expect(info).toMatchObject({
      host: "livedeck",
      release: "6.1.0-56-amd64",
      xenVersion: "4.17.7",
      nrCpus: 2,
      totalMemoryMiB: 3071,
      freeMemoryMiB: 1326,
      scheduler: "credit2",
    });
    expect(info.fields.get("xen_commandline")).toBe(
      "dom0_mem=1536M,max:1536M dom0_max_vcpus=2 console=com1,vga com1=115200,8n1 bootscrub=0",
    );
    expect(info.fields.get("xen_changeset")).toBe("");
    expect(parseXlInfo(fixture("xl-info-no-guests.txt")).freeMemoryMiB).toBe(1502);
  });

  it("skips the tables of xl info -n and keeps a key with a space", () => {
    const fields = parseXlInfoFields(fixture("xl-info-n.txt"));
    expect(fields.get("cpu_topology")).toBe("");
    expect(fields.get("device topology")).toBe("");
    expect(fields.get("xen_major")).toBe("4");
    expect([...fields.keys()].some((k) => /^(cpu|node|device)$/.test(k))).toBe(false);
    expect(parseXlInfo(fixture("xl-info-n.txt")).freeMemoryMiB).toBe(1502);
  });

  it("names the missing field", () => {
    expect(() => parseXlInfo("host                   : x\n")).toThrow(/no release/);
    expect(() => parseXlInfo("")).toThrow(XlParseError);
  });
});

describe("xl uptime", () => {
  it("reads H:MM:SS (captured)", () => {
    expect(parseXlUptime(fixture("xl-uptime.txt"))).toEqual([
      { name: "Domain-0", id: 0, seconds: 336 },
      { name: "tiny", id: 1, seconds: 301 },
      { name: "t80", id: 2, seconds: 273 },
    ]);
  });

  it("reads days as uptime_to_string prints them", () => {
    const text =
      "Name                                ID Uptime\ng                                    3 1 day,  2:03:04\nh                                    4 3 days, 10:00:00\n";
    expect(parseXlUptime(text).map((u) => u.seconds)).toEqual([93784, 295200]);
  });

  it("rejects the short form (-s), which has no seconds", () => {
    expect(() => parseXlUptime(fixture("xl-uptime-s.txt"))).toThrow(/xl uptime header/);
  });
});
