import type { Broker } from "../dom0/broker/broker.ts";
import { printableLog } from "../dom0/console-log.ts";
import { saveGuest } from "../dom0/guest-save.ts";
import { startGuest } from "../dom0/guest-start.ts";
import { runOk } from "../dom0/run.ts";
import { Xenstore } from "../dom0/xenstore.ts";
import { Xl } from "../dom0/xl.ts";
import { runAction, type ActionContext } from "./actions.ts";
import { frame } from "./frame.ts";
import {
  dialogLines,
  installKey,
  installStatus,
  openDialog,
  type InstallDialog,
  type InstallEffect,
} from "./install-dialog.ts";
import { confirmDestroy, handleKey, INITIAL_UI, type Effect, type UiState } from "./keys.ts";
import { rows, type Activity, type OpKind, type World } from "./model.ts";
import { EMPTY_WORLD, Poller, SUPERVISOR_DIR, type Dom0Io, type PollConfig } from "./poll.ts";
import { Refresher } from "./refresh.ts";
import type { TerminalRun, View } from "./view.ts";

export interface ControllerOptions {
  io: Dom0Io;
  poll: PollConfig;
  view: View;
  demo: boolean;
  allowQuit: boolean;
  /** How long a clean shutdown may take before destroy is offered. */
  shutdownTimeoutMs: number;
  /** Backstop refresh period; a xenstore watch and our own actions refresh sooner. */
  pollMs: number;
  /** argv attaching to a guest's console; `id` when its domain id is known. */
  consoleArgv: (name: string, id: number | null) => string[];
  /** Shows a graphical guest's desktop full-screen until the person leaves it (Ctrl-Q). */
  viewArgv: (name: string) => string[];
  shellArgv: string[];
  /** dom0's install broker: guests' install requests are answered here. None in demo mode. */
  broker?: Broker;
}

/** Never refresh more often than this, however often xenstore changes. */
const MIN_REFRESH_MS = 1_000;

/** Ties keys, polling and actions together; all terminal work goes through the View. */
export class Controller {
  world: World = EMPTY_WORLD;
  ui: UiState = INITIAL_UI;
  readonly ops = new Map<string, { kind: OpKind; sinceMs: number; abort: AbortController }>();
  readonly failures = new Map<string, string>();
  private readonly poller: Poller;
  private readonly xl: Xl;
  private readonly xs: Xenstore;
  private readonly refresher: Refresher;
  /** A start or stop happened: the next forced refresh re-reads domain details. */
  private detailsStale = true;
  /** Errors of the last refresh: a failure that repeats every poll is logged once. */
  private lastErrors = new Set<string>();
  private timers: NodeJS.Timeout[] = [];
  private stopWatch: (() => void) | undefined;
  private quit!: () => void;
  readonly done = new Promise<void>((resolve) => (this.quit = resolve));
  attached = false;
  /** The install request on screen, if any. */
  installDialog: InstallDialog | null = null;
  /** Jobs the person put off (Esc): not opened again by themselves, `i` shows them. */
  private readonly putOff = new Set<number>();

  constructor(private readonly o: ControllerOptions) {
    this.poller = new Poller(o.io, o.poll);
    this.xl = new Xl(o.io.run);
    this.xs = new Xenstore(o.io.run);
    this.refresher = new Refresher((force) => this.refreshOnce(force), o.io.now, MIN_REFRESH_MS);
  }

  activity(): Activity {
    return { ops: this.ops, failures: this.failures };
  }

  rows() {
    return rows(this.world, this.activity(), this.o.io.now());
  }

  draw(): void {
    const f = frame(this.world, this.activity(), this.ui, this.rows(), {
      demo: this.o.demo,
      width: this.o.view.width(),
      nowMs: this.o.io.now(),
    });
    const broker = this.o.broker;
    if (broker) {
      const job = this.installDialog && broker.jobs().find((j) => j.id === this.installDialog!.jobId);
      f.dialog = job ? dialogLines(job, this.installDialog!, this.o.view.width() - 4) : null;
      const busy = installStatus(broker.jobs());
      if (busy) f.status = busy.slice(0, this.o.view.width());
    }
    this.o.view.render(f);
  }

  /**
   * Drawn at once (the first `xl list -l` can wait seconds for a guest being created), then the
   * first refresh, then the timers: the backstop poll and a 1 s redraw for uptimes and progress.
   */
  /** The first frame: the deck's rows and where each guest is, before any xl call (Poller.quick). */
  async drawFirst(): Promise<void> {
    this.world = await this.poller.quick(this.world);
    this.draw();
  }

  async start(): Promise<void> {
    this.draw();
    await this.refresh(true);
    this.timers.push(setInterval(() => void this.refresh(false), this.o.pollMs));
    this.timers.push(setInterval(() => this.draw(), 1_000));
    this.stopWatch = this.o.io.watch?.("/local/domain", () => void this.refresh(false));
    const broker = this.o.broker;
    if (broker) {
      broker.onChange(() => void this.installChanged());
      // requests written before the switcher (re)started
      for (const d of this.world.domains) if (d.id !== 0) void broker.onRequest(d.id);
    }
  }

  /** A job appeared or moved on: show the oldest waiting one unless something else is on screen. */
  private async installChanged(): Promise<void> {
    const broker = this.o.broker!;
    const d = this.installDialog;
    if (d && !broker.waiting().some((j) => j.id === d.jobId)) this.installDialog = null;
    if (!this.installDialog && !this.attached) {
      const next = broker.waiting().find((j) => !this.putOff.has(j.id));
      if (next) await this.showInstall(next.id);
    }
    this.draw();
  }

  private async showInstall(jobId: number): Promise<void> {
    const broker = this.o.broker!;
    const job = broker.waiting().find((j) => j.id === jobId);
    if (!job) return;
    try {
      this.installDialog = openDialog(job, await broker.disks(jobId));
    } catch (e) {
      this.o.view.log(`error: cannot list the disks: ${(e as Error).message}`);
      return;
    }
    this.draw();
  }

  private async runInstall(effect: InstallEffect): Promise<void> {
    const broker = this.o.broker!;
    switch (effect.kind) {
      case "say":
        return this.o.view.log(effect.text);
      case "later":
        this.putOff.add(effect.jobId);
        return this.o.view.log("install request kept waiting: i shows it again");
      case "decline":
        this.o.view.log("install request declined");
        return broker.decline(effect.jobId);
      case "install": {
        const why = await broker.confirm(effect.jobId, effect.disk);
        if (why) {
          this.o.view.log(`cannot install: ${why}`);
          return this.showInstall(effect.jobId);
        }
      }
    }
  }

  stop(): void {
    for (const t of this.timers) clearInterval(t);
    this.stopWatch?.();
    for (const op of this.ops.values()) op.abort.abort();
  }

  /** Re-reads Xen: now and after anything already running (`force`), else at most once a second. */
  refresh(force: boolean): Promise<void> {
    return this.refresher.request(force);
  }

  private async refreshOnce(force: boolean): Promise<void> {
    if (force) this.poller.invalidate(this.detailsStale);
    if (force) this.detailsStale = false;
    const { world, errors } = await this.poller.collect(this.world);
    this.world = world;
    for (const e of errors) if (!this.lastErrors.has(e)) this.o.view.log(`error: ${e}`);
    this.lastErrors = new Set(errors);
    this.o.broker?.prune(new Set(world.domains.map((d) => d.id)));
    this.draw();
  }

  key(k: string): void {
    // Keys that reach the switcher while a guest's console has the terminal are stale (the second
    // event of the Enter that attached, keys read just before the hand-over): never replayed.
    if (this.attached) return;
    if (this.o.broker && !this.ui.confirm && this.ui.logOf === null) {
      if (this.installDialog) {
        const { dialog, effect } = installKey(this.installDialog, k);
        this.installDialog = dialog;
        this.draw();
        if (effect) void this.runInstall(effect);
        return;
      }
      if (k === "i") {
        const job = this.o.broker.waiting()[0];
        if (!job) this.o.view.log("no install request waiting");
        else void this.showInstall(job.id);
        return;
      }
    }
    const { ui, effect } = handleKey(this.ui, k, {
      rows: this.rows(),
      busy: new Set(this.ops.keys()),
      allowQuit: this.o.allowQuit,
    });
    this.ui = ui;
    this.draw();
    if (effect) void this.run(effect);
  }

  private async run(effect: Effect): Promise<void> {
    const { view } = this.o;
    switch (effect.kind) {
      case "say":
        return view.log(effect.text);
      case "quit":
        this.stop();
        return this.quit();
      case "cancel":
        if (this.ops.get(effect.name)?.kind === "save")
          return view.log(`${effect.name}: a save cannot be cancelled (the guest would stay suspended)`);
        this.ops.get(effect.name)?.abort.abort();
        return view.log(`cancelling ${effect.name}…`);
      case "view-log":
        return this.viewLog(effect.name);
      case "jump":
        return this.jump(effect.name);
      case "attach":
        return this.attach(effect.name);
      case "view-desktop":
        return this.viewDesktop(effect.name);
      case "shell":
        await this.inTerminal(this.o.shellArgv);
        return view.log("back from the dom0 shell");
      case "start":
        if (!effect.force && this.askMemory(effect)) return;
    }
    await runAction(effect, this.actionContext());
  }

  /** Asks dom0's supervisor (guests-up) to start a queued guest next: its `jump` file. */
  private async jump(name: string): Promise<void> {
    try {
      await runOk(this.o.io.run, ["touch", `${SUPERVISOR_DIR}/${name}/jump`]);
      this.o.view.log(`${name}: starts next, ahead of the guests still queued`);
    } catch (e) {
      this.o.view.log(`error: cannot move ${name} up the queue: ${(e as Error).message}`);
    }
  }

  /**
   * A guest that does not fit in Xen's free memory would fail half-built: ask first. A paused
   * guest keeps its memory, so the way out is saving (S) or stopping one.
   */
  private askMemory(effect: Extract<Effect, { kind: "start" }>): boolean {
    const need = this.rows().find((r) => r.name === effect.name)?.memMiB;
    const free = this.world.hv?.freeMiB;
    if (need == null || free === undefined || need <= free) return false;
    this.ui = {
      ...this.ui,
      confirm: {
        question: `${effect.name} needs ${need}M, Xen has ${free}M free: save (S) or stop (d) a guest first. Start anyway? [y/n]`,
        effect: { ...effect, force: true },
      },
    };
    this.draw();
    return true;
  }

  private actionContext(): ActionContext {
    return {
      xl: this.xl,
      xs: this.xs,
      log: (l) => this.o.view.log(l),
      now: () => this.o.io.now(),
      ops: this.ops,
      failures: this.failures,
      shutdownTimeoutMs: this.o.shutdownTimeoutMs,
      redraw: () => this.draw(),
      changed: (kind) => {
        if (kind !== "pause" && kind !== "unpause") this.detailsStale = true;
        return this.refresh(true);
      },
      askDestroy: (name, waitedS) => {
        this.ui = confirmDestroy(this.ui, name, waitedS);
        this.draw();
      },
      configOf: (name) => this.rows().find((r) => r.name === name)?.configPath ?? null,
      startGuest: (name, configPath, opts) => startGuest(this.o.io.run, name, configPath, opts),
      saveGuest: (name, where) => saveGuest(this.o.io.run, name, where),
      start: (e) => this.run(e),
    };
  }

  private async inTerminal(argv: readonly string[], captureStderr = false): Promise<TerminalRun> {
    this.attached = true;
    try {
      // Keys count again the moment the command exits (the screen is back): one typed right after
      // Ctrl-] is not lost while the run's result is still on its way.
      return await this.o.view.runInTerminal(argv, { captureStderr, onExit: () => (this.attached = false) });
    } finally {
      this.attached = false;
      // an install request that came while the console had the terminal shows now
      if (this.o.broker) void this.installChanged();
      else this.draw();
    }
  }

  private async attach(name: string): Promise<void> {
    const id = this.rows().find((r) => r.name === name)?.id ?? null;
    const { code, stderr } = await this.inTerminal(this.o.consoleArgv(name, id), true);
    await this.refresh(true);
    const row = this.rows().find((r) => r.name === name);
    const said = lastLine(stderr);
    if (!row || row.id === null) this.o.view.log(`${name} is gone: it stopped while attached`);
    else if (row.state === "failed") this.o.view.log(`${name} crashed while attached`);
    else if (row.state === "stopped") this.o.view.log(`${name} shut down while attached`);
    else if (code !== 0)
      this.o.view.log(`error: console of ${name} ended with exit code ${code}${said ? `: ${said}` : ""}`);
    else this.o.view.log(`back from ${name}'s console`);
  }

  private async viewDesktop(name: string): Promise<void> {
    const { code, stderr } = await this.inTerminal(this.o.viewArgv(name), true);
    await this.refresh(true);
    const said = lastLine(stderr);
    if (code !== 0) this.o.view.log(`error: ${said ?? `the view of ${name} ended with exit code ${code}`}`);
    else this.o.view.log(`back from ${name}'s desktop`);
  }

  private async viewLog(name: string): Promise<void> {
    const path = Xl.consoleLogPath(name, this.o.poll.consoleLogDir);
    const raw = await this.o.io
      .readTail(path, 256 * 1024)
      .catch((e: Error) => `cannot read ${path}: ${e.message}`);
    this.o.view.showLog(
      `${path} (Esc closes)`,
      raw === null ? `${path} does not exist yet` : printableLog(raw),
    );
  }

  /** The log viewer was closed on screen. */
  closeLog(): void {
    this.ui = { ...this.ui, logOf: null };
    this.draw();
  }
}

/** What a console or view command said last on stderr (its reason when it failed). */
function lastLine(text: string): string | undefined {
  return text
    .split("\n")
    .map((l) => l.trim())
    .filter(Boolean)
    .at(-1);
}
