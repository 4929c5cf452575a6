/**
 * Which CPU model `livedeck boot` gives QEMU when a medium carries saved states. A state restores
 * only on the CPU vendor (and a CPUID set at least as rich as) the model it was primed on; QEMU's
 * default qemu64 matches neither set, so without this every guest of the demo boots cold. Pure:
 * the medium's sets, the host's vendor and QEMU's models are read by medium-states.ts.
 */

/** One `livedeck/states/<vendor id>/` set: its directory name and its set.env facts. */
export interface StateSet {
  vendorId: string;
  facts: Record<string, string>;
}

export interface CpuChoice {
  /** The -cpu model; undefined: QEMU's default. */
  cpu?: string;
  /** The set it was chosen for. */
  vendorId?: string;
  /** "medium": from a state set; "flag": --cpu; "default": no usable set. */
  source: "medium" | "flag" | "default";
  /** One line for the person: which model and why. */
  why: string;
}

/** set.env's KEY=VALUE lines (state-meta.ts setEnvText). */
export function parseSetEnv(text: string): Record<string, string> {
  const facts: Record<string, string> = {};
  for (const line of text.split("\n")) {
    const m = /^([a-z_][a-z0-9_]*)=(.*)$/.exec(line.trim());
    if (m) facts[m[1]!] = m[2]!;
  }
  return facts;
}

/** The model names of `qemu-system-x86_64 -cpu help` ("x86 Nehalem   (alias …)"). */
export function parseCpuHelp(text: string): Set<string> {
  return new Set([...text.matchAll(/^x86\s+(\S+)/gm)].map((m) => m[1]!));
}

/**
 * The model to boot: the one a state set was primed on, preferring the host's vendor (with
 * `--accel kvm` on a real PC that is the set whose states restore), else the first set by vendor
 * id; a set whose model this QEMU lacks is passed over. `flag` (--cpu) always wins.
 */
export function chooseStateCpu(
  sets: readonly StateSet[],
  host: { vendorId?: string; models: ReadonlySet<string>; flag?: string },
): CpuChoice {
  const names = (list: readonly StateSet[]) =>
    list.map((s) => `${s.vendorId} on ${s.facts.qemu_cpu ?? "?"}`).join(", ");
  if (host.flag) {
    const primed = sets.find((s) => s.facts.qemu_cpu === host.flag);
    const note = !sets.length
      ? "the medium has no saved states"
      : primed
        ? `the medium's ${primed.vendorId} states were primed on it`
        : `the medium's states were primed on ${names(sets)}: guests whose state does not fit boot cold`;
    return {
      cpu: host.flag,
      source: "flag",
      why: `cpu ${host.flag} (--cpu): ${note}`,
      ...(primed ? { vendorId: primed.vendorId } : {}),
    };
  }
  if (!sets.length)
    return {
      source: "default",
      why: "cpu: QEMU's default; the medium has no saved states, so guests boot cold",
    };
  const usable = sets
    .filter((s) => s.facts.qemu_cpu && host.models.has(s.facts.qemu_cpu))
    .sort((a, b) => (a.vendorId < b.vendorId ? -1 : a.vendorId > b.vendorId ? 1 : 0));
  if (!usable.length)
    return {
      source: "default",
      why: `cpu: QEMU's default; the medium's states were primed on ${names(sets)}, a model this QEMU does not offer: every guest boots cold`,
    };
  const own = usable.find((s) => s.vendorId === host.vendorId);
  const pick = own ?? usable[0]!;
  const reason = own ? `the host is ${host.vendorId} too` : `the first of ${names(usable)}`;
  return {
    cpu: pick.facts.qemu_cpu!,
    vendorId: pick.vendorId,
    source: "medium",
    why: `cpu ${pick.facts.qemu_cpu}: the medium's ${pick.vendorId} states were primed on it (${reason}); --cpu overrides`,
  };
}
