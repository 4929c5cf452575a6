import { describe, expect, it } from "vitest";
import { livedeckWords, parseXlListLong } from "../../../src/dom0/xl-list-long.ts";
import { XlParseError } from "../../../src/dom0/xl-parse.ts";
import { fixture } from "./fixtures.ts";

describe("xl list -l", () => {
  it("reads dom0 and the guests' configs (captured)", () => {
    const [dom0, tiny, t80] = parseXlListLong(fixture("xl-list-l.json"));
    expect(dom0).toMatchObject({
      domid: 0,
      name: "Domain-0",
      maxMemKiB: 1572864,
      nics: [],
      vnc: null,
      cmdline: null,
    });
    expect(tiny).toEqual({
      domid: 1,
      name: "tiny",
      uuid: "fbc50dee-e960-11f1-8bf3-721ea7450fb2",
      type: "pv",
      maxMemKiB: 98304,
      maxVcpus: 1,
      kernel: "/run/medium/livedeck/guest/vmlinuz",
      cmdline:
        "console=hvc0 quiet livedeck.name=tiny livedeck.flavour=micro livedeck.ip=172.20.216.10/24 livedeck.gw=172.20.216.1 livedeck.services=httpd",
      nics: [{ mac: "00:16:3e:09:50:ab", ip: "172.20.216.10", bridge: null, gatewaydev: "livedeck0" }],
      vnc: null,
      onCrash: "preserve",
    });
    expect(t80!.nics[0]!.ip).toBe("172.20.216.11");
  });

  it("reads a single domain and dom0 alone", () => {
    expect(parseXlListLong(fixture("xl-list-l-one.json")).map((d) => d.name)).toEqual(["t80"]);
    expect(parseXlListLong(fixture("xl-list-l-dom0-only.json")).map((d) => d.domid)).toEqual([0]);
  });

  it("finds a VNC console of a PV vfb or an HVM guest", () => {
    const pv = [
      {
        domid: 5,
        config: { c_info: { name: "x" }, vfbs: [{ vnc: { enable: "True", listen: "0.0.0.0", display: 3 } }] },
      },
    ];
    const hvm = [
      {
        domid: 6,
        config: { c_info: { name: "y", type: "hvm" }, b_info: { "type.hvm": { vnc: { enable: "True" } } } },
      },
    ];
    const off = [{ domid: 7, config: { c_info: { name: "z" }, vfbs: [{ vnc: { enable: "False" } }] } }];
    expect(parseXlListLong(JSON.stringify(pv))[0]!.vnc).toEqual({ listen: "0.0.0.0", display: 3 });
    expect(parseXlListLong(JSON.stringify(hvm))[0]!.vnc).toEqual({ listen: null, display: null });
    expect(parseXlListLong(JSON.stringify(off))[0]!.vnc).toBeNull();
  });

  it("rejects text that is not the JSON form, or an entry without domid and name", () => {
    expect(() => parseXlListLong(fixture("xl-list.txt"))).toThrow(XlParseError);
    expect(() => parseXlListLong("{}")).toThrow(/not an array/);
    expect(() => parseXlListLong('[{"config": {}}]')).toThrow(/entry/);
  });

  it("reads the livedeck words of a command line", () => {
    const words = livedeckWords(
      "console=hvc0 quiet livedeck.name=tiny livedeck.flavour=micro livedeck.ip=172.20.216.10/24",
    );
    expect(Object.fromEntries(words)).toEqual({ name: "tiny", flavour: "micro", ip: "172.20.216.10/24" });
    expect(livedeckWords(null).size).toBe(0);
  });
});
