import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { runOk, type Runner, type RunOptions } from "./run.ts";
import { parseXlListLong, type XlDomainDetails } from "./xl-list-long.ts";
import {
  parseXlInfo,
  parseXlList,
  parseXlUptime,
  type XlDomain,
  type XlInfo,
  type XlUptime,
} from "./xl-parse.ts";

/** Where xenconsoled --log=guest writes (initrd-skel/dom0/usr/lib/livedeck/xen-up). */
export const CONSOLE_LOG_DIR = "/var/log/xen/console";

/** Xen's console client in `libDir`/xen-<version>/bin (the newest version), as xen-up finds xl. */
export function findXenconsole(libDir = "/usr/lib"): string | null {
  let names: string[];
  try {
    names = readdirSync(libDir);
  } catch {
    return null;
  }
  const found = names
    .filter((n) => /^xen-\d/.test(n))
    .sort((a, b) => a.localeCompare(b, "en", { numeric: true }))
    .map((n) => join(libDir, n, "bin", "xenconsole"))
    .filter((p) => existsSync(p));
  return found.at(-1) ?? null;
}

export interface ShutdownOptions extends RunOptions {
  /** How long a clean shutdown may take before the caller is told `timeout`. */
  timeoutMs: number;
  pollMs?: number;
  /** Called at each poll with the time waited so far (progress in the UI). */
  onWait?: (waitedMs: number) => void;
}

/** `down`: gone or shut down; `timeout`: still running (destroy is the caller's decision); `cancelled`. */
export type ShutdownOutcome = "down" | "timeout" | "cancelled";

/**
 * The one wrapper of `xl` in dom0: typed results parsed from its real output, actions that throw
 * Dom0CommandError with xl's own message. The runner is injected (demo mode, tests).
 */
export class Xl {
  constructor(private readonly run: Runner) {}

  async list(opts?: RunOptions): Promise<XlDomain[]> {
    return parseXlList(await runOk(this.run, ["xl", "list"], opts));
  }

  async listLong(opts?: RunOptions): Promise<XlDomainDetails[]> {
    return parseXlListLong(await runOk(this.run, ["xl", "list", "-l"], opts));
  }

  async info(opts?: RunOptions): Promise<XlInfo> {
    return parseXlInfo(await runOk(this.run, ["xl", "info"], opts));
  }

  async uptime(opts?: RunOptions): Promise<XlUptime[]> {
    return parseXlUptime(await runOk(this.run, ["xl", "uptime"], opts));
  }

  /**
   * Cold boot from an xl config (xl daemonizes once the domain is built and its devices are up);
   * `override` is a `key="value"` line xl applies after the file's (dom0's guest-extra).
   */
  async create(configPath: string, opts?: RunOptions, override?: string | null): Promise<void> {
    await runOk(this.run, ["xl", "create", configPath, ...(override ? [override] : [])], opts);
  }

  async pause(name: string, opts?: RunOptions): Promise<void> {
    await runOk(this.run, ["xl", "pause", name], opts);
  }

  async unpause(name: string, opts?: RunOptions): Promise<void> {
    await runOk(this.run, ["xl", "unpause", name], opts);
  }

  async destroy(name: string, opts?: RunOptions): Promise<void> {
    await runOk(this.run, ["xl", "destroy", name], opts);
  }

  /**
   * Asks the guest to power off and waits until it is gone or shut down. Polls `xl list` rather
   * than `xl shutdown -w`, so the wait shows progress and cancelling it leaves nothing running.
   */
  async shutdown(name: string, opts: ShutdownOptions): Promise<ShutdownOutcome> {
    await runOk(this.run, ["xl", "shutdown", name], { signal: opts.signal });
    const pollMs = opts.pollMs ?? 500;
    const started = Date.now();
    for (;;) {
      if (opts.signal?.aborted) return "cancelled";
      const d = (await this.list({ signal: opts.signal })).find((x) => x.name === name);
      if (!d || d.flags.shutdown || d.flags.dying) return "down";
      const waited = Date.now() - started;
      opts.onWait?.(waited);
      if (waited >= opts.timeoutMs) return "timeout";
      await sleep(pollMs, opts.signal);
    }
  }

  /**
   * argv that attaches the terminal to a guest's console; xenconsole returns on Ctrl-]. With the
   * domain id known, xenconsole itself, as `xl console` execs it (libxl's argv): `xl` first starts
   * libxl and looks the name up, 0.6–1 s of every attach in dom0 under TCG.
   */
  static consoleArgv(name: string, id: number | null = null, xenconsole: string | null = null): string[] {
    if (id === null || xenconsole === null) return ["xl", "console", name];
    return [xenconsole, String(id), "--num", "0", "--type", "pv"];
  }

  static consoleLogPath(name: string, dir = CONSOLE_LOG_DIR): string {
    return `${dir}/guest-${name}.log`;
  }
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal?.removeEventListener("abort", done);
      resolve();
    }
    signal?.addEventListener("abort", done, { once: true });
  });
}
