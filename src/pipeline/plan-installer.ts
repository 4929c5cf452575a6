import type { LoadedDeck } from "../deck/load.ts";
import { installRootName } from "../install/install-stack.ts";
import { INSTALLER_PACKAGES } from "../install/programs.ts";
import { LAYER_ROLE } from "../stages/guests-medium.ts";
import { GUEST_BASE } from "./plan-guests.ts";
import { checkInstallable, installRootSteps } from "./plan-install.ts";
import { step, type PlanSettings, type Step } from "./plan-step.ts";

/** Key of the layer holding the installer's tools (no flavour name has a `+`). */
export const INSTALLER_TOOLS = "dom0+installer";

/**
 * What dom0 needs on the medium to install a guest's flavour: the installer's tools (a layer of
 * their packages on the shared Debian base, cut down by installer-medium to what dom0 lacks) and
 * each installable flavour's `+install` and `+install+xen` roots as delta images (the steps `livedeck install` and the
 * disk outputs use, so their store objects are shared). Only for flavours some guest runs: a guest
 * asks for its own flavour. Nothing when no guest's flavour is installable.
 */
export function planInstaller(
  loaded: LoadedDeck,
  s: PlanSettings,
): { steps: Step[]; consumes: Record<string, string>; installLayers: string[] } {
  const flavours = [...new Set(loaded.deck.guests.map((g) => g.flavour))].filter(
    (f) => loaded.flavours.get(f)!.flavour.installable,
  );
  if (!flavours.length) return { steps: [], consumes: {}, installLayers: [] };
  const common = { suite: loaded.deck.suite, mirror: s.mirror, epoch: s.epoch };
  const tools = `layer:${INSTALLER_TOOLS}`;
  const steps = [
    step(tools, "layer", { ...common, packages: [...INSTALLER_PACKAGES] }, { base: `rootfs:${GUEST_BASE}` }),
    step("installer-medium", "installer-medium", { epoch: s.epoch }, { tools, dom0: "prune:dom0" }),
  ];
  const consumes: Record<string, string> = { installer: "installer-medium" };
  const installLayers: string[] = [];
  for (const f of flavours) {
    checkInstallable(loaded, f);
    // `+install` for a plain install, `+install+xen` on it for "with Xen" (the hypervisor, xen-utils)
    const layers = installRootSteps(loaded, s, f, true);
    for (const [i, name] of [installRootName(f, false), installRootName(f, true)].entries()) {
      steps.push(
        layers[i]!,
        step(`squashfs:${name}`, "squashfs", { which: "delta", epoch: s.epoch }, { layer: `layer:${name}` }),
      );
      consumes[`${LAYER_ROLE}${name}`] = `squashfs:${name}`;
      installLayers.push(name);
    }
  }
  return { steps, consumes, installLayers };
}
