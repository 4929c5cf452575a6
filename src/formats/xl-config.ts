import { createHash } from "node:crypto";
import type { Deck, Flavour, Guest } from "../deck/schema.ts";
import { UserError } from "../errors.ts";

/**
 * xl domain configs of PV guests (xl.cfg(5)), rendered from the deck. The guest initrd
 * (initrd-skel/guest/init) reads the `livedeck.*` words of `extra`; this file and that script are
 * the two ends of one contract.
 */

/** dom0 interface that holds the subnet's .1 (a dummy interface when the PC has no NIC). */
export const DOM0_GATEWAY_DEV = "livedeck0";
/** Bridge that dom0 creates in bridged mode. */
export const DOM0_BRIDGE = "xenbr0";
/** Guests get .10, .11, … in deck order; dom0 is .1. */
export const FIRST_GUEST_HOST = 10;
/**
 * The least RAM Debian's kernel boots in as a PV guest (measured, 6.1 bookworm under Xen 4.17):
 * at 64M xl refuses ("segment kernel too large": the unpacked kernel spans 58 MiB), at 80M it
 * panics "System is deadlocked on memory" before /init; 96M reaches ready.
 */
export const MIN_PV_MEMORY_MIB = 96;
/** Xen's PV command line buffer (MAX_GUEST_CMDLINE). */
export const MAX_EXTRA = 1024;

export interface GuestNet {
  mode: Deck["network"]["mode"];
  /** The guest's fixed address, e.g. "172.20.216.10". */
  ip: string;
  prefix: number;
  /** dom0's address in the subnet: default route, DNS and DHCP server. */
  gateway: string;
  /** routed: vif-route's gatewaydev; bridged: the bridge. */
  dev: string;
}

/** Paths as dom0 sees them at run time (the medium is mounted at /run/medium). */
export interface GuestPaths {
  kernel: string;
  ramdisk: string;
  /** Layer squashfs images, bottom (shared base) first; none for a busybox guest. */
  layers: readonly string[];
  /**
   * Hotplug script of the layer disks (xl's default: `block`). Xen's `block` runs losetup per guest
   * and disk under a global lock and scans every vbd for sharing: under TCG three disks passed
   * libxl's hotplug timeout. With dom0 holding one read-only loop device per layer, a script
   * that only writes physical-device to xenstore attaches them in a fraction of that.
   */
  diskScript?: string;
}

/** Host `host` of a /24 like "172.20.216.0/24". */
export function subnetHost(subnet: string, host: number): string {
  const m = /^(\d{1,3}\.\d{1,3}\.\d{1,3})\.0\/24$/.exec(subnet);
  if (!m || m[1]!.split(".").some((o) => Number(o) > 255))
    throw new UserError(`network.subnet: ${subnet} is not an IPv4 /24`, "write it like 172.20.216.0/24");
  if (!Number.isInteger(host) || host < 1 || host > 254)
    throw new Error(`subnetHost: host ${host} outside 1..254`);
  return `${m[1]}.${host}`;
}

/** The network of the `index`-th guest of the deck (0-based, deck order). */
export function guestNet(network: Deck["network"], index: number): GuestNet {
  const host = FIRST_GUEST_HOST + index;
  if (host > 254)
    throw new UserError(
      `guests: ${index + 1} guests do not fit in ${network.subnet}`,
      `at most ${255 - FIRST_GUEST_HOST} guests per deck`,
    );
  return {
    mode: network.mode,
    ip: subnetHost(network.subnet, host),
    prefix: 24,
    gateway: subnetHost(network.subnet, 1),
    dev: network.mode === "routed" ? DOM0_GATEWAY_DEV : DOM0_BRIDGE,
  };
}

/**
 * A MAC that depends only on the guest name: Xen's OUI 00:16:3e, then three bytes of
 * sha256(name) with the top bit of the first cleared, as libxl does for its random ones.
 */
export function guestMac(name: string): string {
  const h = createHash("sha256").update(name).digest();
  const tail = [h[0]! & 0x7f, h[1]!, h[2]!];
  return ["00", "16", "3e", ...tail.map((b) => b.toString(16).padStart(2, "0"))].join(":");
}

/** A guest's RAM in MiB: its own setting, else its flavour's; refused below what the kernel needs. */
export function guestMemory(guest: Guest, flavour: Flavour): number {
  const mib = guest.memory ?? flavour.memory;
  if (mib < MIN_PV_MEMORY_MIB) {
    const where =
      guest.memory !== undefined ? `guest ${guest.name}` : `flavour ${flavour.name} (guest ${guest.name})`;
    throw new UserError(
      `${where}: memory ${mib}M is too small for a PV guest`,
      `set memory: to at least ${MIN_PV_MEMORY_MIB}M, the least Debian's kernel boots in`,
    );
  }
  return mib;
}

/** xvda, xvdb, … for the n-th layer. */
export function layerVdev(n: number): string {
  if (n < 0 || n > 25)
    throw new UserError(`a guest stacks ${n + 1} layers`, "at most 26 layers (xvda..xvdz) per guest");
  return `xvd${String.fromCharCode(97 + n)}`;
}

const SERVICE = /^[A-Za-z0-9][A-Za-z0-9_.@-]*$/;

/** The guest kernel command line: console, then the words the guest's /init reads. */
export function guestExtra(guest: Guest, flavour: Flavour, net: GuestNet, layers: number): string {
  for (const s of flavour.services) {
    if (!SERVICE.test(s)) {
      throw new UserError(
        `flavour ${flavour.name}: services: ${JSON.stringify(s)} is not a service name`,
        "name an /etc/init.d script (Debian flavours) or a busybox applet (busybox flavours): letters, digits, '.', '_', '-'",
      );
    }
  }
  const words = [
    "console=hvc0",
    "quiet",
    `livedeck.name=${guest.name}`,
    `livedeck.flavour=${flavour.name}`,
    `livedeck.ip=${net.ip}/${net.prefix}`,
    `livedeck.gw=${net.gateway}`,
    ...(layers
      ? [`livedeck.layers=${Array.from({ length: layers }, (_, i) => layerVdev(i)).join(",")}`]
      : []),
    ...(flavour.services.length ? [`livedeck.services=${flavour.services.join(",")}`] : []),
    // the guest's /init then installs livedeck-install; dom0's broker reads it from this config
    ...(flavour.installable ? ["livedeck.installable=1"] : []),
  ];
  const extra = words.join(" ");
  if (extra.length >= MAX_EXTRA) {
    throw new UserError(
      `guest ${guest.name}: kernel command line is ${extra.length} bytes`,
      `Xen allows ${MAX_EXTRA - 1}: list fewer services in flavour ${flavour.name}`,
    );
  }
  return extra;
}

function quoted(v: string): string {
  if (/["'\n\\]/.test(v)) throw new Error(`xl config: cannot quote ${JSON.stringify(v)}`);
  return `"${v}"`;
}

/**
 * The xl config of one PV guest. Layer disks are files on the ISO9660 medium: xl's `block` hotplug
 * script attaches each to a read-only loop device (access=ro → losetup -r), so guests share them.
 */
export function xlConfig(guest: Guest, flavour: Flavour, net: GuestNet, paths: GuestPaths): string {
  const memory = guestMemory(guest, flavour);
  const vif =
    net.mode === "routed"
      ? `mac=${guestMac(guest.name)}, ip=${net.ip}, script=vif-route, gatewaydev=${net.dev}`
      : `mac=${guestMac(guest.name)}, bridge=${net.dev}`;
  const disks = paths.layers.map((p, i) => {
    if (/[\s,'"]/.test(p + (paths.diskScript ?? "")))
      throw new Error(`xl config: layer path ${JSON.stringify(p)} or its script has a space, comma or quote`);
    const script = paths.diskScript ? ` script=${paths.diskScript},` : "";
    return `    'format=raw, vdev=${layerVdev(i)}, access=ro,${script} target=${p}',`;
  });
  return [
    `# livedeck guest ${guest.name} (flavour ${flavour.name}); generated from the deck, edits are lost`,
    `name = ${quoted(guest.name)}`,
    `type = "pv"`,
    `memory = ${memory}`,
    `maxmem = ${memory}`,
    `vcpus = ${guest.vcpus ?? flavour.vcpus}`,
    `kernel = ${quoted(paths.kernel)}`,
    `ramdisk = ${quoted(paths.ramdisk)}`,
    `extra = ${quoted(guestExtra(guest, flavour, net, paths.layers.length))}`,
    ...(disks.length ? ["disk = [", ...disks, "]"] : []),
    `vif = [ '${vif}' ]`,
    `on_poweroff = "destroy"`,
    `on_reboot = "restart"`,
    // Kept for the supervisor to read the console log and report the crash, then destroy it.
    `on_crash = "preserve"`,
    "",
  ].join("\n");
}
