import { GUEST_SAVE, type SaveWhere } from "../dom0/guest-save.ts";
import { GUEST_START } from "../dom0/guest-start.ts";
import type { RunResult } from "../dom0/run.ts";
import { parseStateFlags, parseXlList, parseXlUptime, type XlDomain } from "../dom0/xl-parse.ts";

/**
 * DEMO ONLY (`--demo`, screenshots, the headless UI test): a stand-in for Xen that starts from
 * the recorded output in test/fixtures/xl/ and answers the commands the switcher sends, in the
 * same text formats, so everything above the runner (parsers included) runs unchanged. Actions
 * change its state (pause sets `p`, create adds a domain after a delay); it never runs Xen.
 */
export interface DemoFixtures {
  xlList: string;
  xlListLong: string;
  xlInfo: string;
  xlUptime: string;
  xenstoreLs: string;
  invalidDomain: string;
  createDuplicate: string;
}

/** How long the stand-in takes to build a domain and to power one off (tests pass small ones). */
export interface DemoTiming {
  createMs: number;
  shutdownMs: number;
}
export const DEMO_TIMING: DemoTiming = { createMs: 2000, shutdownMs: 1500 };

interface DemoDomain extends XlDomain {
  startedAtMs: number;
}

const ok = (stdout = "", stderr = ""): RunResult => ({ stdout, stderr, code: 0 });
const fail = (stderr: string, code = 1): RunResult => ({ stdout: "", stderr, code });

/** xl_info.c list_domains: "%-40s %5d %5lu %5d     %c%c%c%c%c%c  %8.1f". */
export function formatXlList(domains: readonly XlDomain[]): string {
  const head = "Name                                        ID   Mem VCPUs\tState\tTime(s)\n";
  return (
    head +
    domains
      .map(
        (d) =>
          `${d.name.padEnd(40)} ${String(d.id).padStart(5)} ${String(d.memMiB).padStart(5)} ${String(d.vcpus).padStart(5)}     ${d.state}  ${d.cpuSeconds.toFixed(1).padStart(8)}\n`,
      )
      .join("")
  );
}

/** xl_info.c print_uptime: "%-33s %4d %s" with H:MM:SS. */
function formatUptime(domains: readonly DemoDomain[], nowMs: number): string {
  const hms = (s: number) =>
    `${Math.floor(s / 3600)}:${String(Math.floor(s / 60) % 60).padStart(2, "0")}:${String(s % 60).padStart(2, "0")}`;
  return (
    `${"Name".padEnd(33)} ${"ID".padStart(4)} Uptime\n` +
    domains
      .map(
        (d) =>
          `${d.name.padEnd(33)} ${String(d.id).padStart(4)} ${hms(Math.floor((nowMs - d.startedAtMs) / 1000)).padStart(8)}\n`,
      )
      .join("")
  );
}

export class DemoXen {
  private domains: DemoDomain[];
  private nextId: number;
  private readonly xsExtra = new Map<string, string>();
  readonly booting = new Map<string, number>();
  /** Guests "saved" by guest-save: where (the switcher reads it as guest-save's marker). */
  readonly saved = new Map<string, SaveWhere>();

  constructor(
    private readonly f: DemoFixtures,
    private readonly now: () => number,
    private readonly configs: ReadonlyMap<
      string,
      { name: string; memoryMiB: number | null; vcpus: number | null }
    >,
    private readonly timing: DemoTiming = DEMO_TIMING,
  ) {
    const up = new Map(parseXlUptime(f.xlUptime).map((u) => [u.id, u.seconds]));
    const t = now();
    this.domains = parseXlList(f.xlList).map((d) => ({ ...d, startedAtMs: t - (up.get(d.id) ?? 0) * 1000 }));
    this.nextId = Math.max(...this.domains.map((d) => d.id)) + 1;
  }

  private find(name: string): DemoDomain | undefined {
    return this.domains.find((d) => d.name === name || String(d.id) === name);
  }

  private setState(d: DemoDomain, state: string): void {
    d.state = state;
    d.flags = parseStateFlags(state);
  }

  private freeMiB(): number {
    const used = this.domains.filter((d) => d.id !== 0).reduce((n, d) => n + d.memMiB + 2, 0);
    const total = Number(/^total_memory\s+:\s+(\d+)/m.exec(this.f.xlInfo)?.[1] ?? 0);
    const dom0 = this.domains.find((d) => d.id === 0)?.memMiB ?? 0;
    return total - dom0 - used;
  }

  /** Answers one command as the real tool would (output format, exit code, error text). */
  async run(argv: readonly string[], signal?: AbortSignal): Promise<RunResult> {
    const [tool, verb, arg] = argv;
    const key = argv.join(" ");
    if (key === "xl list") return ok(formatXlList(this.domains));
    if (key === "xl list -l") return ok(this.f.xlListLong);
    if (key === "xl uptime") return ok(formatUptime(this.domains, this.now()));
    if (key === "xl info")
      return ok(this.f.xlInfo.replace(/^(free_memory\s+:\s+)\d+/m, `$1${this.freeMiB()}`));
    if (key === "xenstore-ls -f /local/domain")
      return ok(this.f.xenstoreLs + [...this.xsExtra].map(([p, v]) => `${p} = "${v}"\n`).join(""));
    if (tool === "xenstore-write" && verb && arg !== undefined) {
      this.xsExtra.set(verb, arg);
      return ok();
    }
    if (tool === GUEST_SAVE && verb && (arg === "ram" || arg === "disk")) return this.save(verb, arg);
    if (tool === GUEST_START && verb && arg) {
      // no saved states on the demo's medium: guest-start's cold boot, with its own lines; a guest
      // saved at run time comes back restored
      const r = await this.create(arg, signal);
      if (r.code !== 0) return r;
      if (this.saved.delete(verb))
        return ok(
          `livedeck: ${verb}: restoring its run-time save\nlivedeck: ${verb}: started restored\n`,
          r.stderr,
        );
      const why = "no saved states in demo mode";
      return ok(`livedeck: ${verb}: cold boot: ${why}\nlivedeck: ${verb}: started cold (${why})\n`, r.stderr);
    }
    if (tool !== "xl" || !arg) return fail(`${tool}: not recorded for the demo: ${key}`, 127);
    if (verb === "create") return this.create(arg, signal);
    const d = this.find(arg);
    if (!d) return fail(this.f.invalidDomain.replace(/^\S+/, arg));
    switch (verb) {
      // As captured: a paused guest is neither running nor blocked (--p---); resumed, it idles (-b----).
      case "pause":
        this.setState(d, `--p${d.state.slice(3)}`);
        return ok();
      case "unpause":
        this.setState(d, `${d.flags.shutdown ? "--" : "-b"}-${d.state.slice(3)}`);
        return ok();
      case "destroy":
        this.domains = this.domains.filter((x) => x !== d);
        return ok();
      case "shutdown":
        // A paused guest cannot act on the request: like Xen, it stays until destroyed.
        if (d.flags.paused) return ok(`Shutting down domain ${d.id}\n`);
        setTimeout(() => (this.domains = this.domains.filter((x) => x !== d)), this.timing.shutdownMs);
        return ok(`Shutting down domain ${d.id}\n`);
    }
    return fail(`xl: not recorded for the demo: ${key}`, 127);
  }

  /** guest-save's answers: the domain goes after a while; its state's size is made up (~1/8 of its memory). */
  private async save(name: string, where: SaveWhere): Promise<RunResult> {
    const d = this.find(name);
    const no = (why: string) => ({ ...ok(`livedeck: ${name}: not saved (${why})\n`), code: 1 });
    if (!d || d.id === 0) return no(`${name} is not running`);
    await new Promise((r) => setTimeout(r, this.timing.shutdownMs));
    this.domains = this.domains.filter((x) => x !== d);
    this.booting.delete(name);
    this.saved.set(name, where);
    const path = savedDir(where);
    const secs = (this.timing.shutdownMs / 1000).toFixed(1);
    return ok(
      `livedeck: ${name}: saved to ${where} (${path}/${name}.zst, ${d.memMiB * 131072} bytes, ${secs} s)\n`,
    );
  }

  private async create(configPath: string, signal?: AbortSignal): Promise<RunResult> {
    const cfg = this.configs.get(configPath);
    if (!cfg) return fail(`Failed to read config file: ${configPath}: No such file or directory\n`, 3);
    if (this.find(cfg.name)) return fail(this.f.createDuplicate.replaceAll('"t80"', `"${cfg.name}"`), 3);
    await new Promise((r) => setTimeout(r, this.timing.createMs));
    if (signal?.aborted) return { ...fail("", 0), code: null, cancelled: true };
    const d: DemoDomain = {
      name: cfg.name,
      id: this.nextId++,
      memMiB: cfg.memoryMiB ?? 64,
      vcpus: cfg.vcpus ?? 1,
      state: "-b----",
      flags: parseStateFlags("-b----"),
      cpuSeconds: 0,
      startedAtMs: this.now(),
    };
    this.domains.push(d);
    this.booting.set(cfg.name, this.now());
    return ok("", `Parsing config from ${configPath}\n`);
  }
}

/** Where guest-save puts states (initrd-skel/dom0/usr/lib/livedeck/guest-save). */
export const savedDir = (where: SaveWhere) =>
  where === "ram" ? "/run/livedeck/saved" : "/run/livedeck/save-disk/livedeck-saved";
