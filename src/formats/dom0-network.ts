import type { Deck } from "../deck/schema.ts";
import { DOM0_BRIDGE, DOM0_GATEWAY_DEV, subnetHost } from "./xl-config.ts";

/**
 * dom0's side of the guest network (DESIGN.md "Networking"), as files on the medium that
 * initrd-skel/dom0/usr/lib/livedeck/network-up reads: a shell-sourceable settings file and the
 * dnsmasq config that serves DHCP and DNS to the guests.
 */

/** Host names dom0 answers to on the guest network. */
export const DOM0_NAMES = ["dom0", "livedeck"] as const;
/** Domain of every name dnsmasq serves: `micro` and `micro.livedeck` both resolve. */
export const DNS_DOMAIN = "livedeck";

export interface NetGuest {
  name: string;
  ip: string;
  mac: string;
}

/** `network` on the medium: read with `.` by network-up (values are plain words, no quoting needed). */
export function dom0NetworkEnv(network: Deck["network"]): string {
  return [
    "# livedeck dom0 network, generated from the deck (read by network-up)",
    `mode=${network.mode}`,
    `dev=${network.mode === "routed" ? DOM0_GATEWAY_DEV : DOM0_BRIDGE}`,
    `address=${subnetHost(network.subnet, 1)}/24`,
    "",
  ].join("\n");
}

/**
 * The outside network's DNS servers as a resolv.conf, written by dom0's net-up when the PC has an
 * outside network (livedeck.net); dnsmasq forwards what it does not answer itself there, and
 * polls the file, so it may appear after dnsmasq starts (or never, with no outside network).
 */
export const OUTSIDE_RESOLV = "/run/livedeck/outside-resolv.conf";

/**
 * dnsmasq's config: DNS for dom0 and every guest by name, DHCP with each deck guest's fixed
 * address bound to its MAC, and a dynamic range after them for domains started by hand.
 *
 * Routed mode: each guest's vif in dom0 carries dom0's address as a /32 (vif-route), so the DHCP
 * range names its netmask: dnsmasq then matches the range against that /32 address.
 */
export function dnsmasqConf(
  network: Deck["network"],
  guests: readonly NetGuest[],
  paths: { leases: string; log: string },
): string {
  const gw = subnetHost(network.subnet, 1);
  const interfaces = network.mode === "routed" ? [DOM0_GATEWAY_DEV, "vif*"] : [DOM0_BRIDGE];
  const first = 10 + guests.length;
  return [
    "# livedeck dom0 DHCP + DNS, generated from the deck (dnsmasq --conf-file=)",
    `resolv-file=${OUTSIDE_RESOLV}`,
    "no-hosts",
    "bind-dynamic",
    ...interfaces.map((i) => `interface=${i}`),
    `domain=${DNS_DOMAIN}`,
    `local=/${DNS_DOMAIN}/`,
    `host-record=${[...DOM0_NAMES.flatMap((n) => [n, `${n}.${DNS_DOMAIN}`]), gw].join(",")}`,
    ...guests.map((g) => `host-record=${g.name},${g.name}.${DNS_DOMAIN},${g.ip}`),
    "dhcp-authoritative",
    ...(first <= 254
      ? [
          `dhcp-range=${subnetHost(network.subnet, first)},${subnetHost(network.subnet, 254)},255.255.255.0,12h`,
        ]
      : []),
    ...guests.map((g) => `dhcp-host=${g.mac},${g.ip},${g.name},infinite`),
    `dhcp-option=option:router,${gw}`,
    `dhcp-option=option:dns-server,${gw}`,
    `dhcp-option=option:domain-name,${DNS_DOMAIN}`,
    `dhcp-leasefile=${paths.leases}`,
    `log-facility=${paths.log}`,
    "pid-file=",
    "",
  ].join("\n");
}
