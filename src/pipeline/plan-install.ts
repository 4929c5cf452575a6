import type { LoadedDeck } from "../deck/load.ts";
import { BUILTIN_BASES } from "../deck/schema.ts";
import { UserError } from "../errors.ts";
import { DISK_FORMATS, type DiskFormat } from "../install/qemu-img.ts";
import { INSTALL_PACKAGES, installXenPackages, installRootName } from "../install/root-packages.ts";
import { EXPORT_PASSWORD_HASH } from "../stages/disk.ts";
import { rootBase } from "./plan-guests.ts";
import { step, type PlanSettings, type Step } from "./plan-step.ts";

/** Size of an exported raw disk (sparse) unless the deck says otherwise. */
export const EXPORT_SIZE_MIB = 4096;

/** The step whose rootfs.tar is a flavour's whole tree (its script's when it has one). */
function topKey(loaded: LoadedDeck, flavour: string): string {
  return loaded.flavours.get(flavour)!.script ? `script:${flavour}` : `layer:${flavour}`;
}

/** Refuses a flavour that cannot be installed: unknown, not `installable`, or busybox-based. */
export function checkInstallable(loaded: LoadedDeck, flavour: string): void {
  const lf = loaded.flavours.get(flavour);
  if (!lf) {
    throw new UserError(
      `flavour ${flavour} is not in this deck`,
      `flavours: ${[...loaded.flavours.keys()].join(", ") || "none"}`,
    );
  }
  if (!lf.flavour.installable)
    throw new UserError(
      `${lf.file}: flavour ${flavour} is not installable`,
      "set `installable: true` in the flavour",
    );
  if (rootBase(loaded, flavour) !== "minbase" || (BUILTIN_BASES as readonly string[]).includes(flavour))
    throw new UserError(`flavour ${flavour} is not a Debian flavour: only those install to a disk`);
}

/** The install roots of one flavour: `layer:<f>+install` (kernel, init) and, for Xen, `+xen` on top. */
export function installRootSteps(loaded: LoadedDeck, s: PlanSettings, flavour: string, xen: boolean): Step[] {
  const common = { suite: loaded.deck.suite, mirror: s.mirror, epoch: s.epoch };
  const plain = `layer:${installRootName(flavour, false)}`;
  const steps = [
    step(plain, "layer", { ...common, packages: INSTALL_PACKAGES }, { base: topKey(loaded, flavour) }),
  ];
  if (xen)
    steps.push(
      step(
        `layer:${installRootName(flavour, true)}`,
        "layer",
        { ...common, packages: installXenPackages() },
        { base: plain },
      ),
    );
  return steps;
}

/**
 * Steps for installing and exporting: the install roots `livedeck install` asks for (settings
 * `install`), and for disk outputs (raw, qcow2, vmdk, vdi) per installable flavour a `raw:<f>`
 * disk step and a `<format>:<f>` convert step per format.
 */
export function planInstall(loaded: LoadedDeck, s: PlanSettings, outputs: readonly string[]): Step[] {
  const steps: Step[] = [];
  const add = (st: Step) => {
    if (!steps.some((x) => x.key === st.key)) steps.push(st);
  };
  if (s.install) {
    checkInstallable(loaded, s.install.flavour);
    installRootSteps(loaded, s, s.install.flavour, s.install.xen).forEach(add);
  }
  const formats = outputs.filter((o): o is DiskFormat => o in DISK_FORMATS);
  if (!formats.length && !outputs.includes("raw")) return steps;
  const flavours = [...loaded.flavours.keys()].filter((f) => loaded.flavours.get(f)!.flavour.installable);
  if (!flavours.length)
    throw new UserError(
      "disk outputs (raw, qcow2, vmdk, vdi): no flavour in this deck is installable",
      "set `installable: true` in a Debian flavour",
    );
  for (const f of flavours) {
    checkInstallable(loaded, f);
    installRootSteps(loaded, s, f, false).forEach(add);
    const disk = {
      flavour: f,
      sizeMiB: EXPORT_SIZE_MIB,
      hostname: f,
      user: "livedeck",
      passwordHash: EXPORT_PASSWORD_HASH,
      withXen: false,
    };
    add(step(`raw:${f}`, "disk", disk, { root: `layer:${installRootName(f, false)}` }));
    for (const format of formats) add(step(`${format}:${f}`, "convert", { format }, { disk: `raw:${f}` }));
  }
  return steps;
}
