import { join } from "node:path";
import type { LoadedDeck } from "../deck/load.ts";
import { UserError } from "../errors.ts";
import { closest } from "../deck/suggest.ts";
import { menuVars } from "../formats/grub-menu.ts";
import { guestMemory } from "../formats/xl-config.ts";
import { planGuests } from "./plan-guests.ts";
import { planInstall } from "./plan-install.ts";
import { planStates } from "./plan-states.ts";
import { PROJECT_ROOT, step, type PlanSettings, type Step } from "./plan-step.ts";

export { PROJECT_ROOT, type PlanSettings, type Step } from "./plan-step.ts";
export { GUEST_BASE } from "./plan-guests.ts";

/** dom0's packages: the hypervisor and tools, the kernel, and what /init and the switcher run. */
export const DOM0_PACKAGES = [
  "xen-hypervisor-4.17-amd64",
  "xen-utils-4.17",
  "linux-image-amd64",
  "busybox",
  "nodejs",
  "iproute2",
  "kmod",
  "udhcpd",
  "dnsmasq-base",
  "zstd",
  // the guests' outside access (net-up: masquerade) and livedeck.keymap (loadkeys, console-data's maps)
  "nftables",
  "kbd",
  "console-data",
];

/**
 * The deck as a straight list of steps, in build order (each after what it consumes). Whether a
 * step applies is decided here and nowhere else.
 */
export function planSteps(loaded: LoadedDeck, s: PlanSettings): Step[] {
  const { deck } = loaded;
  const steps: Step[] = [];
  const common = { suite: deck.suite, mirror: s.mirror, epoch: s.epoch };

  steps.push(
    step("rootfs:dom0", "rootfs", {
      ...common,
      variant: "minbase",
      packages: [...DOM0_PACKAGES, ...deck.dom0.packages],
    }),
  );
  steps.push(
    step(
      "prune:dom0",
      "prune",
      { keep: deck.dom0.prune.keep, remove: deck.dom0.prune.remove },
      { rootfs: "rootfs:dom0" },
    ),
  );
  steps.push(
    step(
      "dom0-initrd",
      "dom0-initrd",
      { level: deck.dom0.compression.level, epoch: s.epoch, skel: join(PROJECT_ROOT, "initrd-skel", "dom0") },
      { dom0: "prune:dom0" },
    ),
  );

  // The console switcher dom0 boots into: its bundle and Node's runtime, on the medium.
  steps.push(
    step(
      "switcher-medium",
      "switcher-medium",
      { epoch: s.epoch },
      { rootfs: "rootfs:dom0", dom0: "prune:dom0" },
    ),
  );
  const guests = planGuests(loaded, s, common, "switcher-medium");
  steps.push(...guests.steps);

  const iso = { label: deck.boot.label, epoch: s.epoch, dom0MemoryMiB: deck.dom0.memory };
  const states = planStates(deck, iso, { dom0: "dom0-initrd", guests: guests.medium });
  steps.push(...states.steps);
  const menu = menuVars(deck, { append: s.append, memtest: true });
  steps.push(step("menu", "menu", menu));
  steps.push(
    step(
      "iso",
      "iso",
      { ...iso, memtest: true, ...(states.vendors.length ? { states: states.vendors } : {}) },
      { menu: "menu", dom0: "dom0-initrd", guests: guests.medium, ...states.consumes },
    ),
  );
  if ((s.outputs ?? deck.outputs).includes("pxe")) {
    const { net: _n, ramNote: _r, ...isoMenu } = menu;
    const guestsMemoryMiB = deck.guests
      .filter((g) => g.autostart)
      .reduce((sum, g) => sum + guestMemory(g, loaded.flavours.get(g.flavour)!.flavour), 0);
    steps.push(step("pxe", "pxe", { menu: isoMenu, guestsMemoryMiB }, { dom0: "dom0-initrd", guests: guests.medium }));
  }
  // the install roots the medium carries are planned already (plan-installer.ts): the same steps
  for (const st of planInstall(loaded, s, s.outputs ?? deck.outputs))
    if (!steps.some((x) => x.key === st.key)) steps.push(st);
  return steps;
}

/** Steps a name selects: an exact key ("layer:jeos") or every step of a stage ("layer"). */
export function selectSteps(steps: readonly Step[], name: string, flag: string): Step[] {
  const hit = steps.filter((st) => st.key === name || st.stage.name === name);
  if (hit.length) return hit;
  const names = [...new Set(steps.flatMap((st) => [st.key, st.stage.name]))];
  const hint = closest(name, names);
  throw new UserError(
    `${flag} ${name}: no such stage in this deck's plan`,
    hint ? `did you mean ${hint}?` : `stages: ${names.join(", ")}`,
  );
}

/** The given steps and everything they consume, transitively, in plan order. */
export function ancestors(steps: readonly Step[], targets: readonly Step[]): Step[] {
  const byKey = new Map(steps.map((st) => [st.key, st]));
  const need = new Set<string>();
  const visit = (k: string) => {
    if (need.has(k)) return;
    need.add(k);
    for (const up of Object.values(byKey.get(k)!.consumes)) visit(up);
  };
  targets.forEach((t) => visit(t.key));
  return steps.filter((st) => need.has(st.key));
}

/** The given steps and everything downstream of them, in plan order. */
export function descendants(steps: readonly Step[], roots: readonly Step[]): Set<string> {
  const out = new Set(roots.map((r) => r.key));
  for (const st of steps) if (Object.values(st.consumes).some((k) => out.has(k))) out.add(st.key);
  return out;
}
