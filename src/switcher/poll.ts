import { guestReadyInLog } from "../dom0/console-log.ts";
import { parseSavedMarker, savedMarkerPath, type SaveWhere } from "../dom0/guest-save.ts";
import { readMediumGuests, type MediumGuest } from "../dom0/medium.ts";
import { parseMeminfo } from "../dom0/meminfo.ts";
import type { Runner } from "../dom0/run.ts";
import { Xenstore, xsMap } from "../dom0/xenstore.ts";
import { livedeckWords } from "../dom0/xl-list-long.ts";
import { Xl } from "../dom0/xl.ts";
import type { XlDomain } from "../dom0/xl-parse.ts";
import {
  parseDesktopList,
  type ComingUp,
  type Desktops,
  type DomainExtra,
  type Origin,
  type World,
} from "./model.ts";

const PHASES: readonly string[] = ["queued", "waiting-memory", "restoring", "post-restore", "booting"];
const isComingUp = (s: string | undefined): s is ComingUp["phase"] => s !== undefined && PHASES.includes(s);

/** The share (0..1) of a state streamed in, from guest-start's `restore` file and zstd's /proc/PID/io. */
export async function restoreShare(
  restore: string | null,
  procIo: (pid: number) => Promise<string | null>,
): Promise<number | undefined> {
  const m = /^(\d+) (\d+) /.exec(restore ?? "");
  if (!m || Number(m[2]) <= 0) return undefined;
  const io = await procIo(Number(m[1]));
  const rchar = /^rchar: (\d+)$/m.exec(io ?? "");
  return rchar ? Math.min(1, Number(rchar[1]) / Number(m[2])) : undefined;
}

/** What the switcher reads in dom0; demo mode and tests pass recorded answers. */
export interface Dom0Io {
  run: Runner;
  /** The last `maxBytes` of a file, or null when it does not exist. */
  readTail(path: string, maxBytes: number): Promise<string | null>;
  now(): number;
  /** Calls `onChange` whenever something under `path` changes in xenstore; returns a stop function. */
  watch?: (path: string, onChange: () => void) => () => void;
}

export interface PollConfig {
  mediumDir: string;
  consoleLogDir: string;
}

/**
 * xenstore keys dom0 writes under a guest's own domain path, where the guest itself cannot write
 * (libxl gives a guest read-only access to /local/domain/<id>): the supervisor (and the switcher,
 * for guests it starts) record how the guest came up and when it became ready.
 */
/** Polls that read a ready guest's details again while its origin is missing. */
const ORIGIN_RETRIES = 5;
export const XS_ORIGIN = (id: number) => `/local/domain/${id}/livedeck/boot`;
export const XS_READY = (id: number) => `/local/domain/${id}/livedeck/ready`;

/**
 * Where dom0's guest supervisor (initrd-skel guests-up/guest-watch) keeps each deck guest's boot
 * outcome: `state` (…, ready, failed) and `reason`.
 */
export const SUPERVISOR_DIR = "/run/livedeck/guests";
/** dom0's VNC password and outside desktop list (initrd-skel vnc-password, vnc-web). */
export const VNC_DIR = "/run/livedeck/vnc";

export const EMPTY_WORLD: World = {
  medium: [],
  domains: [],
  extra: new Map(),
  bootFailures: new Map(),
  hv: null,
  dom0: null,
};

const INFO_EVERY_MS = 5_000;
const LOG_TAIL = 64 * 1024;

/** One refresh: `xl list` always; the heavier reads only when the set of domains changed. */
export class Poller {
  private readonly xl: Xl;
  private readonly xs: Xenstore;
  private medium: MediumGuest[] | null = null;
  private lastInfoMs = -Infinity;
  private details = new Map<string, DomainExtra>();
  private domainKey = "";
  /** Times the details were read again for a ready guest without its origin (see collect). */
  private originRetries = new Map<string, number>();

  constructor(
    private readonly io: Dom0Io,
    private readonly config: PollConfig,
  ) {
    this.xl = new Xl(io.run);
    this.xs = new Xenstore(io.run);
  }

  /**
   * Read free memory again next time, and with `details` the per-domain details too (after a
   * start or stop: origins are written just after the domain appears). Costly under TCG:
   * `xl list -l` and `xenstore-ls` take seconds there, so a pause does not ask for them.
   */
  invalidate(details: boolean): void {
    if (details) this.domainKey = "";
    this.lastInfoMs = -Infinity;
  }

  /**
   * The first frame's world, without xl or xenstore (seconds each under TCG): the deck from the
   * medium and the supervisor's files, so the switcher is drawn before its first slow poll.
   * (From the swfirst branch.)
   */
  async quick(prev: World): Promise<World> {
    this.medium ??= await readMediumGuests(this.config.mediumDir).catch(() => null);
    return { ...prev, medium: this.medium ?? [], comingUp: await this.comingUp() };
  }

  /** Returns the new world and the messages of what failed (the previous values are kept). */
  async collect(prev: World): Promise<{ world: World; errors: string[] }> {
    const errors: string[] = [];
    const attempt = async <T>(what: Promise<T>): Promise<T | undefined> => {
      try {
        return await what;
      } catch (e) {
        errors.push(e instanceof Error ? e.message : String(e));
        return undefined;
      }
    };
    const now = this.io.now();
    const infoDue = now - this.lastInfoMs >= INFO_EVERY_MS;
    // Independent reads at once: under TCG each xl call costs a second or more.
    const [medium, listed, info, meminfo, desktops] = await Promise.all([
      this.medium ? this.medium : attempt(readMediumGuests(this.config.mediumDir)),
      attempt(this.xl.list()),
      infoDue ? attempt(this.xl.info()) : undefined,
      infoDue ? attempt(this.io.readTail("/proc/meminfo", LOG_TAIL)) : undefined,
      infoDue && this.medium?.some((g) => g.graphical) ? this.desktops() : undefined,
    ]);
    this.medium = medium ?? null;
    if (infoDue) this.lastInfoMs = now;
    const domains = listed ?? prev.domains;
    const key = domains.map((d) => `${d.id}:${d.name}`).join(",");
    if (key !== this.domainKey) {
      const fresh = await this.domainDetails(domains, attempt);
      if (fresh) {
        this.details = fresh;
        this.domainKey = key;
      }
    }
    await this.checkReady(domains);
    // guest-watch writes a guest's origin (restored or cold) when the guest is ready, often after
    // the details were read for its new domain: read them again, a few times at most (a domain
    // started by hand never gets one)
    for (const d of domains) {
      const x = this.details.get(d.name);
      const k = `${d.id}:${d.name}`;
      const n = this.originRetries.get(k) ?? 0;
      if (d.id !== 0 && x?.ready && !x.origin && n < ORIGIN_RETRIES) {
        this.originRetries.set(k, n + 1);
        this.domainKey = "";
      }
    }
    const bootFailures = await this.bootFailures(domains);
    const comingUp = await this.comingUp();
    const saved = await this.saved(domains);
    const hv = info
      ? { totalMiB: info.totalMemoryMiB, freeMiB: info.freeMemoryMiB, xenVersion: info.xenVersion }
      : prev.hv;
    const dom0 = (meminfo ? parseMeminfo(meminfo) : null) ?? prev.dom0;
    return {
      world: {
        medium: this.medium ?? [],
        domains,
        extra: new Map(this.details),
        bootFailures,
        hv,
        dom0,
        desktops: desktops ?? prev.desktops,
        saved,
        comingUp,
      },
      errors,
    };
  }

  private async domainDetails(
    domains: readonly XlDomain[],
    attempt: <T>(p: Promise<T>) => Promise<T | undefined>,
  ): Promise<Map<string, DomainExtra> | undefined> {
    const [long, uptimes, nodes] = await Promise.all([
      attempt(this.xl.listLong()),
      attempt(this.xl.uptime()),
      attempt(this.xs.ls("/local/domain")),
    ]);
    if (!long && !uptimes && !nodes) return undefined;
    const xs = xsMap(nodes ?? []);
    const now = this.io.now();
    const out = new Map<string, DomainExtra>();
    for (const d of domains) {
      const l = long?.find((x) => x.domid === d.id);
      const words = livedeckWords(l?.cmdline ?? null);
      const up = uptimes?.find((u) => u.id === d.id);
      const origin = xs.get(XS_ORIGIN(d.id));
      const vncPort = xs.get(`/local/domain/${d.id}/console/vnc-port`);
      const ip = l?.nics.find((n) => n.ip)?.ip ?? xs.get(`/local/domain/0/backend/vif/${d.id}/0/ip`);
      out.set(d.name, {
        flavour: words.get("flavour"),
        ip: ip ?? words.get("ip")?.replace(/\/\d+$/, ""),
        startedAtMs: up ? now - up.seconds * 1000 : undefined,
        origin: origin === "restored" || origin === "cold" ? (origin as Origin) : undefined,
        ready: xs.has(XS_READY(d.id)) ? true : undefined,
        vnc: vncPort
          ? `${xs.get(`/local/domain/${d.id}/console/vnc-listen`) ?? "127.0.0.1"}:${vncPort}`
          : undefined,
      });
    }
    return out;
  }

  /** This boot's VNC password and where dom0 serves the desktops outside (files that may not exist yet). */
  private async desktops(): Promise<Desktops> {
    const read = (f: string) => this.io.readTail(`${VNC_DIR}/${f}`, 4096).catch(() => null);
    const [password, web] = await Promise.all([read("password"), read("web")]);
    return { password: password?.trim() || null, outside: parseDesktopList(web ?? "") };
  }

  /** Deck guests without a domain that the supervisor marked failed, with its reason. */
  private async bootFailures(domains: readonly XlDomain[]): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    for (const g of this.medium ?? []) {
      if (domains.some((d) => d.name === g.name)) continue;
      const read = (f: string) =>
        this.io.readTail(`${SUPERVISOR_DIR}/${g.name}/${f}`, 4096).catch(() => null);
      if ((await read("state"))?.trim() !== "failed") continue;
      out.set(g.name, (await read("reason"))?.trim() || "failed at boot");
    }
    return out;
  }

  /**
   * Deck guests the supervisor is still bringing up (their `state` file), and for one restoring,
   * the share of its state file zstd has read: `restore` says "PID BYTES PATH", and zstd reads
   * nothing else, so /proc/PID/io's rchar over BYTES is that share.
   */
  private async comingUp(): Promise<Map<string, ComingUp>> {
    const out = new Map<string, ComingUp>();
    for (const g of this.medium ?? []) {
      const read = (f: string) =>
        this.io.readTail(`${SUPERVISOR_DIR}/${g.name}/${f}`, 4096).catch(() => null);
      const phase = (await read("state"))?.trim();
      if (!isComingUp(phase)) continue;
      const up: ComingUp = { phase };
      if (phase === "restoring") {
        const share = restoreShare(await read("restore"), (pid) =>
          this.io.readTail(`/proc/${pid}/io`, 4096).catch(() => null),
        );
        const s = await share;
        if (s !== undefined) up.share = s;
      }
      out.set(g.name, up);
    }
    return out;
  }

  /** Deck guests without a domain that guest-save saved (its marker beside the supervisor's files). */
  private async saved(domains: readonly XlDomain[]): Promise<Map<string, SaveWhere>> {
    const out = new Map<string, SaveWhere>();
    for (const g of this.medium ?? []) {
      if (domains.some((d) => d.name === g.name)) continue;
      const text = await this.io.readTail(savedMarkerPath(SUPERVISOR_DIR, g.name), 4096).catch(() => null);
      const m = parseSavedMarker(text);
      if (m) out.set(g.name, m.where);
    }
    return out;
  }

  /** Guests not known to be ready: look for their READY line in the console log. */
  private async checkReady(domains: readonly XlDomain[]): Promise<void> {
    for (const d of domains) {
      if (d.id === 0) continue;
      const x = this.details.get(d.name) ?? {};
      if (x.ready) continue;
      const log = await this.io
        .readTail(`${this.config.consoleLogDir}/guest-${d.name}.log`, LOG_TAIL)
        .catch(() => null);
      this.details.set(d.name, { ...x, ready: log !== null && guestReadyInLog(log, d.name) });
    }
  }
}
