import type {
  InstallOptions,
  InstallProgress,
  InstallRequest as InstallerRequest,
  InstallResult,
} from "../../install/api.ts";
import { diskChoices, formatSize, type DiskChoice, type DiskFacts } from "./disks.ts";
import { installImages } from "../../install/install-stack.ts";
import { requiredTargetBytes } from "../../install/layout.ts";
import type { InstallInfo } from "./guest-info.ts";
import { encodeStatus, type InstallStatus } from "./protocol.ts";
import { RateLimiter } from "./rate-limit.ts";
import { validateRequest, type InstallRequest } from "./request.ts";

/**
 * dom0's install broker: turns a guest's request into a job the person at the PC confirms (and
 * picks the disk for), runs the installer and reports back to the guest. Every side effect goes
 * through BrokerIo, so the whole flow runs in unit tests. Its entry points never throw: a guest's
 * bytes must not be able to take the switcher down.
 */
export interface BrokerIo {
  readRequest(domid: number): Promise<string | null>;
  removeRequest(domid: number): Promise<void>;
  writeStatus(domid: number, value: string): Promise<void>;
  /** The deck guest behind a running domain, or null when the domain is not one of the deck's. */
  guestOf(domid: number): Promise<{ name: string; info: InstallInfo } | null>;
  /** The size of the tree the layer images hold (the installer's estimate, src/install/root-tree.ts). */
  treeBytes(images: readonly string[]): Promise<number>;
  diskFacts(): Promise<DiskFacts>;
  install(request: InstallerRequest, options: InstallOptions): Promise<InstallResult>;
  /** Scratch directory for one install (mount points). */
  workDir(jobId: number): string;
  now(): number;
  log(line: string): void;
}

export type JobState = "waiting" | "installing" | "done" | "failed" | "declined";

export interface Job {
  /** dom0's own number for the job (the guest's id is the request's). */
  id: number;
  domid: number;
  guest: string;
  flavour: string;
  layers: string[];
  needBytes: number;
  request: InstallRequest;
  state: JobState;
  receivedMs: number;
  progress: InstallProgress | null;
  /** The disk chosen at the PC. */
  disk: DiskChoice | null;
  /** The final line (done, failed: which step). */
  outcome: string | null;
}

const ACTIVE: readonly JobState[] = ["waiting", "installing"];

export class Broker {
  private readonly jobsById = new Map<number, Job>();
  private readonly limiter = new RateLimiter();
  private nextId = 1;
  private readonly listeners: (() => void)[] = [];
  /** Domains whose request is being handled, and those that wrote again meanwhile. */
  private readonly handling = new Set<number>();
  private readonly again = new Set<number>();

  constructor(private readonly io: BrokerIo) {}

  /** Called whenever jobs change (the switcher redraws). */
  onChange(f: () => void): void {
    this.listeners.push(f);
  }

  jobs(): Job[] {
    return [...this.jobsById.values()];
  }

  /** The jobs waiting for the person at the PC, oldest first. */
  waiting(): Job[] {
    return this.jobs().filter((j) => j.state === "waiting");
  }

  private changed(): void {
    for (const f of this.listeners) f();
  }

  private async status(domid: number, s: InstallStatus): Promise<void> {
    try {
      await this.io.writeStatus(domid, encodeStatus(s));
    } catch (e) {
      this.io.log(`install: cannot answer domain ${domid}: ${(e as Error).message}`);
    }
  }

  /** The guest in domain `domid` wrote its request node. Never throws. */
  async onRequest(domid: number): Promise<void> {
    // A guest writing in a loop costs one read at a time, not one process per write.
    if (this.handling.has(domid)) {
      this.again.add(domid);
      return;
    }
    this.handling.add(domid);
    try {
      do {
        this.again.delete(domid);
        try {
          await this.handle(domid);
        } catch (e) {
          this.io.log(`install: request of domain ${domid} not handled: ${(e as Error).message}`);
        }
      } while (this.again.has(domid));
    } finally {
      this.handling.delete(domid);
    }
  }

  private async handle(domid: number): Promise<void> {
    const raw = await this.io.readRequest(domid);
    if (raw === null) return; // our own removal, or nothing there yet
    await this.io.removeRequest(domid);
    const admission = this.limiter.admit(domid, this.io.now());
    if (admission === "drop") return;
    const v = validateRequest(raw);
    const id = v.ok ? v.request.id : null;
    const refuse = async (why: string) => {
      this.io.log(`install: refused a request of domain ${domid}: ${why}`);
      await this.status(domid, { id, state: "refused", message: why });
    };
    if (admission === "refuse") return refuse("too many requests: wait a minute before asking again");
    if (!v.ok) return refuse(v.reason);
    const guest = await this.io.guestOf(domid);
    if (!guest) return refuse("this domain is not one of the medium's guests");
    if (!guest.info.installable)
      return refuse(`flavour ${guest.info.flavour} is not installable (installable: false in its flavour file)`);
    if (!guest.info.layers.length) return refuse(`flavour ${guest.info.flavour} has no layers to install`);
    const active = this.jobs().find((j) => j.domid === domid && ACTIVE.includes(j.state));
    if (active)
      return refuse(`a request from ${guest.name} is already ${active.state === "waiting" ? "waiting" : "installing"}`);
    // the guest's own layers and the flavour's install roots beside them (the kernel; with Xen, Xen)
    const layers = installImages(guest.info.layers, guest.info.flavour, v.request.withXen);
    let treeBytes: number;
    try {
      treeBytes = await this.io.treeBytes(layers);
    } catch (e) {
      const what = v.request.withXen ? `${guest.info.flavour} with Xen` : guest.info.flavour;
      const err = e as NodeJS.ErrnoException;
      if (err.code !== "ENOENT" || !err.path) return refuse(`this medium cannot install ${what}: ${err.message}`);
      const hint = v.request.withXen
        ? "; install without Xen, or make a disk with Xen on the build host (livedeck install --with-xen)"
        : "";
      return refuse(`this medium cannot install ${what}: it has no ${err.path}${hint}`);
    }
    const job: Job = {
      id: this.nextId++,
      domid,
      guest: guest.name,
      flavour: guest.info.flavour,
      layers,
      needBytes: requiredTargetBytes(treeBytes),
      request: v.request,
      state: "waiting",
      receivedMs: this.io.now(),
      progress: null,
      disk: null,
      outcome: null,
    };
    this.jobsById.set(job.id, job);
    this.io.log(`install: ${guest.name} asks to install ${job.flavour} as ${v.request.hostname}: confirm in the switcher`);
    await this.status(domid, {
      id,
      state: "waiting",
      message: "waiting for the person at the PC to confirm and choose the disk",
    });
    this.changed();
  }

  /** The disks for a job, each with why it cannot be the target. */
  async disks(jobId: number): Promise<DiskChoice[]> {
    const job = this.jobsById.get(jobId);
    if (!job) return [];
    return diskChoices(await this.io.diskFacts(), job.needBytes, job.flavour);
  }

  /** The person declined. */
  async decline(jobId: number): Promise<void> {
    const job = this.jobsById.get(jobId);
    if (!job || job.state !== "waiting") return;
    job.state = "declined";
    job.outcome = "declined at the PC";
    this.jobsById.delete(jobId);
    await this.status(job.domid, { id: job.request.id, state: "refused", message: "declined at the PC" });
    this.changed();
  }

  /**
   * The person confirmed `diskName`: the disk is checked again (it may have been mounted or pulled
   * since the list was shown), then installed. Resolves with the job when it has ended.
   * Returns an error line instead when the install cannot start.
   */
  async confirm(jobId: number, diskName: string, signal?: AbortSignal): Promise<string | null> {
    const job = this.jobsById.get(jobId);
    if (!job || job.state !== "waiting") return "no such request waiting";
    if (this.jobs().some((j) => j.state === "installing")) return "another install is running: wait for it";
    let disk: DiskChoice | undefined;
    try {
      disk = (await this.disks(jobId)).find((d) => d.name === diskName);
    } catch (e) {
      return `cannot read the disks: ${(e as Error).message}`;
    }
    if (!disk) return `${diskName} is gone`;
    if (disk.refusals.length) return `${diskName} ${disk.refusals.join(", ")}`;
    job.state = "installing";
    job.disk = disk;
    this.changed();
    void this.run(job, disk, signal);
    return null;
  }

  private async run(job: Job, disk: DiskChoice, signal?: AbortSignal): Promise<void> {
    const r = job.request;
    const target = `${disk.path} (${disk.model}, ${formatSize(disk.sizeBytes)})`;
    this.io.log(`install: ${job.flavour} for ${job.guest} to ${target}`);
    await this.status(job.domid, {
      id: r.id,
      state: "installing",
      step: "check",
      percent: 0,
      message: `confirmed: installing to ${target}`,
    });
    let result: InstallResult;
    try {
      result = await this.io.install(
        {
          flavour: job.flavour,
          hostname: r.hostname,
          user: r.user,
          passwordHash: r.passwordHash,
          withXen: r.withXen,
          target: { kind: "device", path: disk.path },
        },
        {
          source: { kind: "layers", images: job.layers },
          workDir: this.io.workDir(job.id),
          signal,
          onProgress: (p) => {
            job.progress = p;
            this.changed();
            void this.status(job.domid, {
              id: r.id,
              state: "installing",
              step: p.step,
              percent: Math.round(p.fraction * 100),
              message: p.message,
            });
          },
        },
      );
    } catch (e) {
      result = { ok: false, step: job.progress?.step ?? "check", message: (e as Error).message, rolledBack: "unknown" };
    }
    if (result.ok) {
      job.state = "done";
      const secs = Object.values(result.seconds).reduce((a, b) => a + (b ?? 0), 0);
      const size = `${Math.round(result.rootUsedBytes / 2 ** 20)} MiB in ${Math.round(secs)} s`;
      job.outcome = `installed ${job.flavour} as ${r.hostname} on ${disk.path} (${size}): remove the medium and boot the disk`;
      await this.status(job.domid, { id: r.id, state: "done", percent: 100, message: job.outcome });
    } else {
      job.state = "failed";
      job.outcome = `failed at step ${result.step}: ${result.message} (disk ${result.rolledBack})`;
      await this.status(job.domid, { id: r.id, state: "failed", step: result.step, message: job.outcome });
    }
    this.io.log(`install: ${job.guest}: ${job.outcome}`);
    if (result.ok) this.io.log(`install: seconds per step: ${stepSeconds(result.seconds)}`);
    this.changed();
  }

  /** Domains that are gone: their waiting jobs are dropped, their rate limits forgotten. */
  prune(liveDomids: ReadonlySet<number>): void {
    let dropped = false;
    for (const j of this.jobs())
      if (!liveDomids.has(j.domid) && j.state === "waiting") {
        this.jobsById.delete(j.id);
        dropped = true;
      }
    this.limiter.retain(liveDomids);
    if (dropped) this.changed();
  }
}

/** "check 1.2, partition 0.4, …": where an install's time went (the switcher's log). */
export function stepSeconds(seconds: Partial<Record<string, number>>): string {
  return Object.entries(seconds)
    .map(([step, s]) => `${step} ${(s ?? 0).toFixed(1)}`)
    .join(", ");
}
