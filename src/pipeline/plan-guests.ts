import { join } from "node:path";
import type { LoadedDeck } from "../deck/load.ts";
import { BUILTIN_BASES } from "../deck/schema.ts";
import { UserError } from "../errors.ts";
import { LAYER_ROLE } from "../stages/guests-medium.ts";
import { ROOTFS_ROLE } from "../stages/pool.ts";
import { planInstaller } from "./plan-installer.ts";
import { PROJECT_ROOT, step, type PlanSettings, type Step } from "./plan-step.ts";
import { planViewer } from "./plan-viewer.ts";

/** Name of the shared Debian base's layer image (and the suffix of its steps). */
export const GUEST_BASE = "guest-base";

/**
 * The guests' steps: for Debian flavours one shared base rootfs and image, then per flavour its
 * layer (stacked on its base flavour's), customisation script and their delta images; one guest
 * kernel + initrd (from dom0's rootfs: the guests run dom0's kernel); and the medium's guests tree.
 */
export function planGuests(
  loaded: LoadedDeck,
  s: PlanSettings,
  common: { suite: string; mirror: string; epoch: number },
  /** Key of the switcher-medium step whose files go below livedeck/switcher/, if any. */
  switcher?: string,
) {
  const { deck } = loaded;
  const steps: Step[] = [];
  const flavour = (name: string) => loaded.flavours.get(name)!;
  for (const [name, lf] of loaded.flavours) {
    if (rootBase(loaded, name) === "busybox" && (lf.flavour.packages.length || lf.script)) {
      throw new UserError(
        `${lf.file}: flavour ${name} runs on the busybox base, which cannot take Debian packages or a script`,
        "use base: minbase (or a Debian flavour) for packages and scripts",
      );
    }
  }
  const debian = [...loaded.flavours.keys()].filter((n) => rootBase(loaded, n) === "minbase");
  const reserved = debian.find((n) => n === GUEST_BASE);
  if (reserved)
    throw new UserError(
      `${flavour(reserved).file}: the flavour name ${GUEST_BASE} is reserved for the shared base`,
      "rename the flavour",
    );

  const image = (name: string, top: string, which: "rootfs" | "delta") =>
    steps.push(step(`squashfs:${name}`, "squashfs", { which, epoch: s.epoch }, { layer: top }));
  if (debian.length) {
    steps.push(step(`rootfs:${GUEST_BASE}`, "rootfs", { ...common, variant: "minbase", packages: [] }));
    image(GUEST_BASE, `rootfs:${GUEST_BASE}`, "rootfs");
  }
  // Each flavour's one delta image, bottom first; built once however many flavours stack on it. The
  // image holds what the flavour adds to its base: its packages and, when it has one, what its
  // script changed (the script's delta is taken against the base, not against its own layer), so a
  // guest gets one disk per flavour in its stack.
  const stacks = new Map<string, string[]>();
  /** The step whose rootfs.tar is a flavour's whole tree. */
  const tops = new Map<string, string>([[GUEST_BASE, `rootfs:${GUEST_BASE}`]]);
  const addFlavour = (name: string): string[] => {
    const done = stacks.get(name);
    if (done) return done;
    const lf = flavour(name);
    const f = lf.flavour;
    const builtin = (BUILTIN_BASES as readonly string[]).includes(f.base);
    const below = builtin ? [GUEST_BASE] : addFlavour(f.base);
    const baseKey = tops.get(below.at(-1)!)!;
    const exclude = f.exclude.length ? { exclude: f.exclude } : {};
    steps.push(
      step(`layer:${name}`, "layer", { ...common, packages: f.packages, ...exclude }, { base: baseKey }),
    );
    let top = `layer:${name}`;
    if (lf.script) {
      const o = { script: f.script!, text: lf.scriptText!, epoch: s.epoch };
      steps.push(step(`script:${name}`, "script", o, { base: top, under: baseKey }));
      top = `script:${name}`;
    }
    image(name, top, "delta");
    tops.set(name, top);
    const stack = [...below, name];
    stacks.set(name, stack);
    return stack;
  };
  for (const name of debian) addFlavour(name);
  // dom0's VNC tools, when a guest serves a desktop: layered on the same base (plan-viewer.ts)
  const viewer = debian.length
    ? planViewer(loaded, common, { rootfs: `rootfs:${GUEST_BASE}` })
    : { steps: [] };
  steps.push(...viewer.steps);

  const consumes: Record<string, string> = {};
  if (deck.guests.length) {
    const skel = join(PROJECT_ROOT, "initrd-skel", "guest");
    steps.push(step("guest-initrd", "guest-initrd", { epoch: s.epoch, skel }, { rootfs: "rootfs:dom0" }));
    consumes.initrd = "guest-initrd";
  }
  const guests = deck.guests.map((guest) => {
    const layers = stacks.get(guest.flavour) ?? [];
    for (const l of layers) consumes[`${LAYER_ROLE}${l}`] = `squashfs:${l}`;
    return { guest, flavour: flavour(guest.flavour).flavour, layers };
  });
  // The pool: every package of the Debian flavours' root filesystems, for dom0 to serve.
  const pool = debian.length > 0;
  if (pool) {
    const roots = Object.fromEntries(debian.map((n) => [`${ROOTFS_ROLE}${n}`, tops.get(n)!]));
    steps.push(
      step("pool", "pool", { suite: deck.suite, epoch: s.epoch, roots: debian, mirror: s.mirror }, roots),
    );
    consumes.pool = "pool";
  }
  if (switcher) consumes.switcher = switcher;
  if (viewer.image) consumes.viewer = viewer.image;
  // The installer's tools and the guests' flavours' install roots, for dom0 to install a flavour.
  const installer = planInstaller(loaded, s);
  steps.push(...installer.steps);
  Object.assign(consumes, installer.consumes);
  const installLayers = installer.installLayers;
  steps.push(
    step(
      "guests-medium",
      "guests-medium",
      {
        network: deck.network,
        guests,
        pool,
        switcher: !!switcher,
        ...(installLayers.length ? { installLayers } : {}),
        ...(viewer.image ? { viewer: true } : {}),
      },
      consumes,
    ),
  );
  return { steps, medium: "guests-medium" };
}

/** The built-in base a flavour ends on, following its base flavours. */
export function rootBase(loaded: LoadedDeck, name: string): string {
  let f = loaded.flavours.get(name)?.flavour;
  while (f && !(BUILTIN_BASES as readonly string[]).includes(f.base))
    f = loaded.flavours.get(f.base)?.flavour;
  return f?.base ?? "minbase";
}
