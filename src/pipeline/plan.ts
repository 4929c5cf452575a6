import { join } from "node:path";
import type { LoadedDeck } from "../deck/load.ts";
import { BUILTIN_BASES } from "../deck/schema.ts";
import { UserError } from "../errors.ts";
import { closest } from "../deck/suggest.ts";
import { menuVars } from "../formats/grub-menu.ts";
import { STAGES, type StageName } from "../stages/index.ts";
import type { Stage } from "./stage.ts";

/** One step of a build: a stage, its options and the steps bound to its consumed roles. */
export interface Step {
  key: string;
  stage: Stage;
  options: unknown;
  /** role → key of the upstream step */
  consumes: Record<string, string>;
}

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
];

/** Where the project's own files live (templates, initrd skeletons). */
export const PROJECT_ROOT = join(import.meta.dirname, "..", "..");

export interface PlanSettings {
  /** Absolute path of the deb822 sources file (resolved from deck.mirror). */
  mirror: string;
  /** SOURCE_DATE_EPOCH for every artifact. */
  epoch: number;
  /** Extra dom0 kernel arguments for the default entry (`build --append`). */
  append: string;
}

function step<N extends StageName>(key: string, name: N, options: unknown, consumes: Record<string, string> = {}): Step {
  const stage = STAGES[name];
  if (!stage) throw new Error(`plan: unknown stage ${name}`);
  const r = stage.options.safeParse(options);
  if (!r.success) {
    // Options come from a validated deck; what still fails here is a command-line value (--append).
    const first = r.error.issues[0]!;
    throw new UserError(`${key}: ${first.path.join(".")}: ${first.message}`, "check the values given on the command line");
  }
  return { key, stage, options: r.data, consumes };
}

/**
 * The deck as a straight list of steps, in build order (each after what it consumes). Whether a
 * step applies is decided here and nowhere else.
 */
export function planSteps(loaded: LoadedDeck, s: PlanSettings): Step[] {
  const { deck } = loaded;
  const steps: Step[] = [];
  const common = { suite: deck.suite, mirror: s.mirror, epoch: s.epoch };

  steps.push(step("rootfs:dom0", "rootfs", { ...common, variant: "minbase", packages: [...DOM0_PACKAGES, ...deck.dom0.packages] }));
  steps.push(step("prune:dom0", "prune", { keep: deck.dom0.prune.keep, remove: deck.dom0.prune.remove }, { rootfs: "rootfs:dom0" }));
  steps.push(
    step(
      "dom0-initrd",
      "dom0-initrd",
      { level: deck.dom0.compression.level, epoch: s.epoch, skel: join(PROJECT_ROOT, "initrd-skel", "dom0") },
      { dom0: "prune:dom0" },
    ),
  );

  // Guest flavours built on Debian: one shared base, then a layer per flavour (stacked on its base
  // flavour), then its customisation script.
  const debianFlavours = [...loaded.flavours.values()].filter((f) => rootBase(loaded, f.flavour.name) === "minbase");
  if (debianFlavours.length) steps.push(step("rootfs:guest-base", "rootfs", { ...common, variant: "minbase", packages: [] }));
  const done = new Set<string>();
  const addFlavour = (name: string): string => {
    const lf = loaded.flavours.get(name)!;
    const f = lf.flavour;
    const baseKey = (BUILTIN_BASES as readonly string[]).includes(f.base) ? "rootfs:guest-base" : addFlavour(f.base);
    if (done.has(name)) return lf.script ? `script:${name}` : `layer:${name}`;
    done.add(name);
    steps.push(step(`layer:${name}`, "layer", { ...common, packages: f.packages }, { base: baseKey }));
    if (!lf.script) return `layer:${name}`;
    steps.push(step(`script:${name}`, "script", { script: lf.script, epoch: s.epoch }, { base: `layer:${name}` }));
    return `script:${name}`;
  };
  for (const f of debianFlavours) addFlavour(f.flavour.name);

  steps.push(step("menu", "menu", menuVars(deck, { append: s.append, memtest: true })));
  steps.push(step("iso", "iso", { label: deck.boot.label, epoch: s.epoch, memtest: true, dom0MemoryMiB: deck.dom0.memory }, { menu: "menu", dom0: "dom0-initrd" }));
  return steps;
}

function rootBase(loaded: LoadedDeck, name: string): string {
  let f = loaded.flavours.get(name)?.flavour;
  while (f && !(BUILTIN_BASES as readonly string[]).includes(f.base)) f = loaded.flavours.get(f.base)?.flavour;
  return f?.base ?? "minbase";
}

/** Steps a name selects: an exact key ("layer:jeos") or every step of a stage ("layer"). */
export function selectSteps(steps: readonly Step[], name: string, flag: string): Step[] {
  const hit = steps.filter((st) => st.key === name || st.stage.name === name);
  if (hit.length) return hit;
  const names = [...new Set(steps.flatMap((st) => [st.key, st.stage.name]))];
  const hint = closest(name, names);
  throw new UserError(`${flag} ${name}: no such stage in this deck's plan`, hint ? `did you mean ${hint}?` : `stages: ${names.join(", ")}`);
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
