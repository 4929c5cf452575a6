import { copyFile, link, mkdir, readdir, stat, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { z } from "zod";
import { DeckSchema, FlavourSchema, GuestSchema } from "../deck/schema.ts";
import { dnsmasqConf, dom0NetworkEnv } from "../formats/dom0-network.ts";
import { guestList } from "../formats/guest-list.ts";
import { guestMac, guestMemory, guestNet, xlConfig } from "../formats/xl-config.ts";
import { defineStage } from "../pipeline/stage.ts";
import { INSTALLER_DIR, INSTALLER_IMAGE } from "./installer-medium.ts";
import { SWITCHER_DIR, SWITCHER_FILES } from "./switcher-medium.ts";

/** Where dom0 mounts the medium (initrd-skel/dom0/init): xl configs name files below it. */
export const DOM0_MEDIUM = "/run/medium";
/** The guests' part of the medium, below its root. */
export const GUESTS_ROOT = "livedeck";
/** Role prefix of the layer images this stage consumes: `layer:<name>` → a squashfs step. */
export const LAYER_ROLE = "layer:";
/**
 * The hotplug script attaching layer images (initrd-skel/dom0/etc/xen/scripts/livedeck-layer): one
 * shared read-only loop device per image, a few forks instead of Xen's `block` (see xl-config.ts).
 */
export const LAYER_DISK_SCRIPT = "livedeck-layer";
/** Where dom0's web server finds the package pool on the medium. */
export const POOL_DIR = `${GUESTS_ROOT}/pool`;

/** dom0's VNC tools image (src/pipeline/plan-viewer.ts), below livedeck/; dom0's vnc-tools mounts it. */
export const VIEWER_IMAGE = "viewer/viewer.squashfs";

export const GuestsMediumOptions = z
  .object({
    network: DeckSchema.shape.network.removeDefault().describe("the deck's network: addresses, DHCP and DNS"),
    guests: z
      .array(
        z
          .object({
            guest: GuestSchema,
            flavour: FlavourSchema,
            /** Layer images, bottom first (e.g. guest-base, jeos, server); none for a busybox guest. */
            layers: z.array(z.string().regex(/^[a-z][a-z0-9.-]*$/)),
          })
          .strict(),
      )
      .describe("the deck's guests in start order, each with its flavour and layer stack"),
    pool: z
      .boolean()
      .default(false)
      .describe("place the package pool (the `pool` role: a pool step) under livedeck/pool/"),
    switcher: z
      .boolean()
      .default(false)
      .describe(
        "place the console switcher (the `switcher` role: a switcher-medium step) under livedeck/switcher/",
      ),
    installLayers: z
      .array(z.string().regex(/^[a-z][a-z0-9.-]*\+install(\+xen)?$/))
      .optional()
      .describe(
        "install roots (`<flavour>+install`, `<flavour>+install+xen`, each a `layer:` role) placed beside the guests' layers, and the installer's tools (the `installer` role: an installer-medium step) under livedeck/installer/",
      ),
    viewer: z
      .boolean()
      .optional()
      .describe(`place dom0's VNC tools (the \`viewer\` role: a squashfs step) as livedeck/${VIEWER_IMAGE}`),
  })
  .strict();
export type GuestsMediumOptions = z.infer<typeof GuestsMediumOptions>;

/** A file of the guests tree: text rendered here, or a file of a consumed step (role, file name). */
export type MediumFile = { path: string; text: string } | { path: string; role: string; file: string };

/** Every layer named by some guest, each once, in first-use order. */
export function layerNames(o: GuestsMediumOptions): string[] {
  return [...new Set(o.guests.flatMap((g) => g.layers))];
}

/**
 * The guests' tree, relative to the medium's root: the guest kernel and initrd, each layer image
 * once, one xl config per guest (`<n>-<name>.cfg`, deck order, as src/dom0/medium.ts reads them),
 * the guest list for the supervisor, and dom0's network settings and dnsmasq config.
 */
export function mediumFiles(o: GuestsMediumOptions): MediumFile[] {
  const at = (p: string) => `${GUESTS_ROOT}/${p}`;
  const onMedium = (p: string) => `${DOM0_MEDIUM}/${at(p)}`;
  const files: MediumFile[] = [];
  if (o.guests.length) {
    files.push({ path: at("guest/vmlinuz"), role: "initrd", file: "vmlinuz" });
    files.push({ path: at("guest/initrd.img"), role: "initrd", file: "initrd.img" });
  }
  for (const l of [...layerNames(o), ...(o.installLayers ?? [])])
    files.push({ path: at(`layers/${l}.squashfs`), role: `${LAYER_ROLE}${l}`, file: "layer.squashfs" });
  if (o.installLayers?.length) {
    const image = `${INSTALLER_DIR}/${INSTALLER_IMAGE}`;
    files.push({ path: at(image), role: "installer", file: image });
  }
  const listed = o.guests.map(({ guest, flavour, layers }, i) => {
    const net = guestNet(o.network, i);
    const config = at(`guests/${i + 1}-${guest.name}.cfg`);
    const paths = {
      kernel: onMedium("guest/vmlinuz"),
      ramdisk: onMedium("guest/initrd.img"),
      layers: layers.map((l) => onMedium(`layers/${l}.squashfs`)),
      diskScript: LAYER_DISK_SCRIPT,
    };
    files.push({ path: config, text: xlConfig(guest, flavour, net, paths) });
    return {
      name: guest.name,
      autostart: guest.autostart,
      memoryMiB: guestMemory(guest, flavour),
      ip: net.ip,
      mac: guestMac(guest.name),
      config,
    };
  });
  if (o.viewer) files.push({ path: at(VIEWER_IMAGE), role: "viewer", file: "layer.squashfs" });
  if (o.switcher)
    for (const f of SWITCHER_FILES)
      files.push({ path: at(`${SWITCHER_DIR}/${f}`), role: "switcher", file: `${SWITCHER_DIR}/${f}` });
  files.push({ path: at("guests.list"), text: guestList(listed) });
  files.push({ path: at("network"), text: dom0NetworkEnv(o.network) });
  const run = "/run/livedeck";
  files.push({
    path: at("dnsmasq.conf"),
    text: dnsmasqConf(o.network, listed, { leases: `${run}/dnsmasq.leases`, log: `${run}/dnsmasq.log` }),
  });
  return files;
}

export default defineStage({
  name: "guests-medium",
  version: 3,
  summary:
    "the guests' part of the medium: kernel, initrd, layer images once each, xl configs, guest list, dom0 network config",
  options: GuestsMediumOptions,
  // plus one `layer:<name>` role per layer image (see LAYER_ROLE), `pool`, `switcher`, `installer` and `viewer` with those options
  consumes: ["initrd"],
  inputs: () => [],
  tools: [],
  async run(ctx) {
    const tree = join(ctx.out, "tree");
    let bytes = 0;
    for (const f of mediumFiles(ctx.options)) {
      const dest = join(tree, f.path);
      await mkdir(dirname(dest), { recursive: true });
      if ("text" in f) {
        await writeFile(dest, f.text);
        bytes += Buffer.byteLength(f.text);
        continue;
      }
      // Store objects are never modified: a hard link shares the layer image instead of copying it.
      const src = join(ctx.input(f.role), f.file);
      await link(src, dest).catch(() => copyFile(src, dest));
      bytes += (await stat(dest)).size;
    }
    if (ctx.options.pool) {
      const pool = join(ctx.input("pool"), "pool");
      await mkdir(join(tree, POOL_DIR), { recursive: true });
      for (const f of (await readdir(pool)).sort()) {
        await link(join(pool, f), join(tree, POOL_DIR, f)).catch(() =>
          copyFile(join(pool, f), join(tree, POOL_DIR, f)),
        );
        bytes += (await stat(join(pool, f))).size;
      }
    }
    const layers = layerNames(ctx.options).length;
    ctx.log(
      `${ctx.options.guests.length} guests, ${layers} layer images, ${(bytes / 2 ** 20).toFixed(1)} MiB`,
    );
    return { guests: ctx.options.guests.length, layers, bytes };
  },
});
