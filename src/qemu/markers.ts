/**
 * Boot markers: the single lines a booted medium prints for tests and `livedeck boot`
 * (DESIGN.md "Boot markers"). A marker line starts with its word, so a typed command that merely
 * contains one (`~ # echo LIVEDECK-TEST PASS`) does not count.
 */
export const DOM0_READY = "LIVEDECK-DOM0-READY";
export const GUEST_READY = "LIVEDECK-GUEST-READY";
export const GUEST_FAILED = "LIVEDECK-GUEST-FAILED";
/** A guest boots cold, and why (no state fits, states off, a restore that failed): dom0's guest-start. */
export const GUEST_COLD = "LIVEDECK-GUEST-COLD";
export const SWITCHER_READY = "LIVEDECK-SWITCHER-READY";
export const TEST = "LIVEDECK-TEST";

export type Marker =
  | { kind: "dom0-ready" }
  | { kind: "guest-ready"; guest: string; how: string; seconds: number }
  | { kind: "guest-failed"; guest: string; reason: string }
  | { kind: "guest-cold"; guest: string; reason: string }
  | { kind: "switcher-ready" }
  | { kind: "test"; verdict: "PASS" | "FAIL"; why: string }
  /** A LIVEDECK- line this harness does not know (a newer medium, or a typo on the medium). */
  | { kind: "other"; text: string };

/** What a marker line says, or null when the line is not one. `line` is a cleaned line. */
export function parseMarker(line: string): Marker | null {
  const text = line.trim();
  if (!text.startsWith("LIVEDECK-")) return null;
  const [word, ...rest] = text.split(/\s+/);
  let m: RegExpMatchArray | null;
  if (word === DOM0_READY && rest.length === 0) return { kind: "dom0-ready" };
  if (word === SWITCHER_READY && rest.length === 0) return { kind: "switcher-ready" };
  if (word === GUEST_READY && rest.length === 3 && /^\d+(\.\d+)?$/.test(rest[2]!)) {
    return { kind: "guest-ready", guest: rest[0]!, how: rest[1]!, seconds: Number(rest[2]) };
  }
  if (word === GUEST_FAILED && rest.length >= 1) {
    return { kind: "guest-failed", guest: rest[0]!, reason: rest.slice(1).join(" ") };
  }
  if (word === GUEST_COLD && rest.length >= 1) {
    return { kind: "guest-cold", guest: rest[0]!, reason: rest.slice(1).join(" ") };
  }
  if ((m = /^LIVEDECK-TEST (PASS|FAIL)(?:\s+(.*))?$/.exec(text))) {
    return { kind: "test", verdict: m[1] as "PASS" | "FAIL", why: m[2] ?? "" };
  }
  return { kind: "other", text };
}

/** The timeline's name for a marker. */
export function markerLabel(m: Marker): string {
  switch (m.kind) {
    case "dom0-ready":
      return "dom0 ready";
    case "switcher-ready":
      return "switcher ready";
    case "guest-ready":
      return `guest ${m.guest} ready (${m.how}, ${m.seconds} s)`;
    case "guest-failed":
      return `guest ${m.guest} FAILED${m.reason ? `: ${m.reason}` : ""}`;
    case "guest-cold":
      return `guest ${m.guest} boots cold${m.reason ? `: ${m.reason}` : ""}`;
    case "test":
      return `test ${m.verdict}${m.why ? `: ${m.why}` : ""}`;
    case "other":
      return m.text;
  }
}

/** What `expect` waits for: a marker's leading words ("LIVEDECK-GUEST-READY jeos") or a pattern. */
export type Expectation = string | RegExp;

export function matches(exp: Expectation, line: string): boolean {
  const text = line.trim();
  if (typeof exp !== "string") return exp.test(text);
  return text === exp || text.startsWith(`${exp} `);
}

export function describeExpectation(exp: Expectation): string {
  return typeof exp === "string" ? exp : String(exp);
}

/** Lines after which a boot cannot succeed; `immediate` when the line already holds the whole reason. */
export interface Fatal {
  reason: "test-failed" | "guest-failed" | "panic";
  immediate: boolean;
}

const PANICS = [/Kernel panic - not syncing/, /Panic on CPU \d+/, /\bReboot(?:ing)? in \w+ seconds/];

/**
 * Whether `line` ends the boot while waiting for `awaiting`: a test verdict of FAIL, a Linux or Xen
 * panic (whose details follow on the next lines), or the failure of the very guest awaited.
 */
export function fatal(line: string, awaiting?: Expectation): Fatal | null {
  const m = parseMarker(line);
  if (m?.kind === "test" && m.verdict === "FAIL") return { reason: "test-failed", immediate: true };
  if (m?.kind === "guest-failed" && typeof awaiting === "string") {
    const [word, guest] = awaiting.trim().split(/\s+/);
    if (word === GUEST_READY && guest === m.guest) return { reason: "guest-failed", immediate: true };
  }
  if (PANICS.some((p) => p.test(line))) return { reason: "panic", immediate: false };
  return null;
}

/** Milestones of any boot, first occurrence only: the timeline's rows before the markers. */
export const MILESTONES: readonly { label: string; pattern: RegExp }[] = [
  { label: "GRUB", pattern: /GNU GRUB|Welcome to GRUB|Booting `/ },
  { label: "Xen", pattern: /^\(XEN\)/ },
  { label: "dom0 kernel", pattern: /Linux version \d/ },
];
