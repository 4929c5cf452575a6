/**
 * Parsers of `xl` output as Xen 4.17 prints it (tools/xl/xl_info.c). Each takes the text a real
 * `xl` wrote; test/fixtures/xl/ holds captures from a booted dom0.
 */

/** What `xl list` says about a domain, decoded from its six state letters. */
export interface DomainFlags {
  running: boolean;
  blocked: boolean;
  paused: boolean;
  shutdown: boolean;
  /** Why it shut down (5th letter, set only with `shutdown`). */
  reason: ShutdownReason | null;
  dying: boolean;
}

export type ShutdownReason = "poweroff" | "reboot" | "suspend" | "crash" | "watchdog" | "soft_reset";

export interface XlDomain {
  name: string;
  id: number;
  /** Current memory in MiB (xl prints (current + outstanding) / 1024 of KiB). */
  memMiB: number;
  vcpus: number;
  /** The six letters as printed, e.g. "-b----". */
  state: string;
  flags: DomainFlags;
  /** CPU time consumed, seconds (not uptime: see parseXlUptime). */
  cpuSeconds: number;
}

// xl_info.c: shutdown_reason_letters[] = "-rscwS", indexed by libxl_shutdown_reason.
const REASONS: Record<string, ShutdownReason | null> = {
  "-": "poweroff",
  r: "reboot",
  s: "suspend",
  c: "crash",
  w: "watchdog",
  S: "soft_reset",
};

export class XlParseError extends Error {
  constructor(what: string, line: string) {
    super(`cannot parse ${what}: ${JSON.stringify(line.slice(0, 120))}`);
    this.name = "XlParseError";
  }
}

/** Decodes `r-----`, `-b----`, `--p---`, `---sc-`, `-----d` (positions are fixed: r b p s reason d). */
export function parseStateFlags(state: string): DomainFlags {
  if (!/^[r-][b-][p-][s-][-rscwS?][d-]$/.test(state)) throw new XlParseError("xl state letters", state);
  const shutdown = state[3] === "s";
  return {
    running: state[0] === "r",
    blocked: state[1] === "b",
    paused: state[2] === "p",
    shutdown,
    reason: shutdown ? (REASONS[state[4]!] ?? null) : null,
    dying: state[5] === "d",
  };
}

/**
 * `xl list`: a header `Name  ID  Mem VCPUs<TAB>State<TAB>Time(s)`, then one line per domain printed
 * with "%-40s %5d %5lu %5d     %c%c%c%c%c%c  %8.1f". Names may be longer than 40 characters, so
 * fields are taken from the right.
 */
export function parseXlList(text: string): XlDomain[] {
  const lines = text.split("\n").filter((l) => l.trim() !== "");
  const header = lines.shift();
  if (header === undefined || !/^Name\s+ID\s+Mem\s+VCPUs\s+State\s+Time\(s\)/.test(header))
    throw new XlParseError("xl list header", header ?? "");
  return lines.map((line) => {
    const m = /^(.*\S)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\S{6})\s+(\d+(?:\.\d+)?)(?:\s.*)?$/.exec(line);
    if (!m) throw new XlParseError("xl list line", line);
    return {
      name: m[1]!,
      id: Number(m[2]),
      memMiB: Number(m[3]),
      vcpus: Number(m[4]),
      state: m[5]!,
      flags: parseStateFlags(m[5]!),
      cpuSeconds: Number(m[6]),
    };
  });
}

/**
 * `xl info`: `key                    : value` lines ("%-23s: %s" in xl_info.c). `xl info -n` adds
 * tables (cpu_topology, numa_info) under an empty-valued key; their rows have no " :" and are
 * skipped. A key may hold a space ("device topology").
 */
export function parseXlInfoFields(text: string): Map<string, string> {
  const fields = new Map<string, string>();
  for (const line of text.split("\n")) {
    const m = /^([a-z_][a-z_ ]*[a-z_])\s+:(?: (.*))?$/.exec(line);
    if (m) fields.set(m[1]!, (m[2] ?? "").trim());
  }
  if (fields.size === 0) throw new XlParseError("xl info", text.split("\n")[0] ?? "");
  return fields;
}

export interface XlInfo {
  host: string;
  release: string;
  xenVersion: string;
  nrCpus: number;
  /** Memory Xen manages, MiB. */
  totalMemoryMiB: number;
  /** Memory no domain holds, MiB: what a new guest can get. */
  freeMemoryMiB: number;
  scheduler: string;
  /** Every field as printed, for what the typed view leaves out. */
  fields: ReadonlyMap<string, string>;
}

export function parseXlInfo(text: string): XlInfo {
  const fields = parseXlInfoFields(text);
  const need = (k: string) => {
    const v = fields.get(k);
    if (v === undefined) throw new XlParseError(`xl info (no ${k})`, text.split("\n")[0] ?? "");
    return v;
  };
  const num = (k: string) => {
    const n = Number(need(k));
    if (!Number.isFinite(n)) throw new XlParseError(`xl info ${k}`, need(k));
    return n;
  };
  return {
    host: need("host"),
    release: need("release"),
    xenVersion: need("xen_version"),
    nrCpus: num("nr_cpus"),
    totalMemoryMiB: num("total_memory"),
    freeMemoryMiB: num("free_memory"),
    scheduler: fields.get("xen_scheduler") ?? "",
    fields,
  };
}

export interface XlUptime {
  name: string;
  id: number;
  /** Seconds since the domain was created (dom0: since boot). */
  seconds: number;
}

/**
 * `xl uptime`: header `Name  ID Uptime`, lines "%-33s %4d %s" with the uptime as `H:MM:SS`,
 * `1 day, H:MM:SS` or `N days, H:MM:SS` (uptime_to_string in xl_info.c).
 */
export function parseXlUptime(text: string): XlUptime[] {
  const lines = text.split("\n").filter((l) => l.trim() !== "");
  const header = lines.shift();
  if (header === undefined || !/^Name\s+ID\s+Uptime\s*$/.test(header))
    throw new XlParseError("xl uptime header", header ?? "");
  return lines.map((line) => {
    const m = /^(.*\S)\s+(\d+)\s+(?:(\d+) days?, )?\s*(\d+):(\d\d):(\d\d)\s*$/.exec(line);
    if (!m) throw new XlParseError("xl uptime line", line);
    const [days, h, min, s] = [m[3] ?? "0", m[4]!, m[5]!, m[6]!].map(Number) as [
      number,
      number,
      number,
      number,
    ];
    return { name: m[1]!, id: Number(m[2]), seconds: ((days * 24 + h) * 60 + min) * 60 + s };
  });
}
