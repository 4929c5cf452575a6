import { describe, expect, it } from "vitest";
import { DeckSchema } from "../../../src/deck/schema.ts";
import { dnsmasqConf, dom0NetworkEnv } from "../../../src/formats/dom0-network.ts";

const routed = DeckSchema.shape.network.parse({});
const bridged = DeckSchema.shape.network.parse({ mode: "bridged", subnet: "10.9.8.0/24" });
const paths = { leases: "/run/livedeck/dnsmasq.leases", log: "/run/livedeck/dnsmasq.log" };
const guests = [
  { name: "micro1", ip: "172.20.216.10", mac: "00:16:3e:00:00:01" },
  { name: "micro2", ip: "172.20.216.11", mac: "00:16:3e:00:00:02" },
];

describe("dom0 network settings", () => {
  it("routed: dom0's .1 on the dummy interface vif-route names", () => {
    expect(dom0NetworkEnv(routed)).toBe(
      "# livedeck dom0 network, generated from the deck (read by network-up)\nmode=routed\ndev=livedeck0\naddress=172.20.216.1/24\n",
    );
  });

  it("bridged: dom0's .1 on the bridge", () => {
    expect(dom0NetworkEnv(bridged)).toContain("mode=bridged\ndev=xenbr0\naddress=10.9.8.1/24\n");
  });
});

describe("dnsmasq config", () => {
  const text = dnsmasqConf(routed, guests, paths);
  const lines = text.split("\n");

  it("serves DNS for dom0 and each guest, short and in the livedeck domain, and nothing upstream", () => {
    expect(lines).toEqual(
      expect.arrayContaining(["resolv-file=/run/livedeck/outside-resolv.conf", "no-hosts", "domain=livedeck", "local=/livedeck/"]),
    );
    expect(lines).toContain("host-record=dom0,dom0.livedeck,livedeck,livedeck.livedeck,172.20.216.1");
    expect(lines).toContain("host-record=micro1,micro1.livedeck,172.20.216.10");
    expect(lines).toContain("host-record=micro2,micro2.livedeck,172.20.216.11");
  });

  it("binds each guest's fixed address to its MAC; the dynamic range starts after the deck's guests", () => {
    expect(lines).toContain("dhcp-host=00:16:3e:00:00:01,172.20.216.10,micro1,infinite");
    expect(lines).toContain("dhcp-range=172.20.216.12,172.20.216.254,255.255.255.0,12h");
    expect(lines).toContain("dhcp-option=option:router,172.20.216.1");
    expect(lines).toContain("dhcp-option=option:dns-server,172.20.216.1");
    expect(lines).toContain("dhcp-leasefile=/run/livedeck/dnsmasq.leases");
  });

  it("listens on the dummy interface and every vif (routed) or on the bridge (bridged)", () => {
    expect(lines.filter((l) => l.startsWith("interface="))).toEqual([
      "interface=livedeck0",
      "interface=vif*",
    ]);
    const b = dnsmasqConf(bridged, [], paths).split("\n");
    expect(b.filter((l) => l.startsWith("interface="))).toEqual(["interface=xenbr0"]);
    expect(b).toContain("dhcp-range=10.9.8.10,10.9.8.254,255.255.255.0,12h");
  });

  it("leaves out the dynamic range when the deck's guests fill the subnet", () => {
    const many = Array.from({ length: 245 }, (_, i) => ({
      name: `g${i}`,
      ip: `172.20.216.${10 + i}`,
      mac: "00:16:3e:00:00:00",
    }));
    expect(dnsmasqConf(routed, many, paths)).not.toContain("dhcp-range=");
  });
});
