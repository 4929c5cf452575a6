import { existsSync, writeFileSync } from "node:fs";
import { open } from "node:fs/promises";
import { parseArgs } from "node:util";
import { Broker } from "../dom0/broker/broker.ts";
import { dom0BrokerIo, watchRequests } from "../dom0/broker/dom0-io.ts";
import { dom0Installer } from "../dom0/broker/installer-tools.ts";
import { spawnRunner } from "../dom0/run.ts";
import { install } from "../install/install.ts";
import { Xenstore } from "../dom0/xenstore.ts";
import { CONSOLE_LOG_DIR, findXenconsole, Xl } from "../dom0/xl.ts";
import { Controller } from "./controller.ts";
import { demoConsoleArgv, demoSetup } from "./demo.ts";
import { DRAWN_FILE, emitMarker, eventsPath, READY_MARKER } from "./events.ts";
import type { Dom0Io } from "./poll.ts";
import { createScreen } from "./screen.ts";
import { CRASH_LOG, supervise } from "./supervise.ts";
import { ensureTerminalSize } from "./terminal-size.ts";
import { spawn } from "node:child_process";
import { getPriority, setPriority } from "node:os";

export interface SwitcherOptions {
  /** Where the boot medium is mounted; guest configs are under livedeck/guests/. */
  mediumDir: string;
  consoleLogDir: string;
  /** Marker channel; null: none. */
  events: string | null;
  /** Recorded fixtures to run against instead of Xen (DEMO). */
  demoFixtures: string | null;
  allowQuit: boolean;
  pollMs: number;
  shutdownTimeoutMs: number;
  /** Run as the supervisor of a switcher child (restart on crash, stack to the crash log). */
  supervise: boolean;
  crashLog: string;
}

export const USAGE = `usage: switcher [--medium DIR] [--console-logs DIR] [--events PATH] [--poll-ms N]
                [--shutdown-timeout S] [--allow-quit] [--demo FIXTURES_DIR] [--supervise [--crash-log FILE]]`;

export function parseSwitcherArgs(argv: string[], exists = existsSync): SwitcherOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      medium: { type: "string", default: "/run/medium" },
      "console-logs": { type: "string", default: CONSOLE_LOG_DIR },
      events: { type: "string" },
      "poll-ms": { type: "string", default: "3000" },
      "shutdown-timeout": { type: "string", default: "30" },
      "allow-quit": { type: "boolean", default: false },
      demo: { type: "string" },
      supervise: { type: "boolean", default: false },
      "crash-log": { type: "string", default: CRASH_LOG },
    },
    strict: true,
  });
  const int = (name: string, v: string, min: number) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min) throw new Error(`--${name}: ${v} is not a whole number ≥ ${min}`);
    return n;
  };
  return {
    mediumDir: values.medium!,
    consoleLogDir: values["console-logs"]!,
    events: eventsPath(values.events, exists),
    demoFixtures: values.demo ?? null,
    allowQuit: values["allow-quit"]! || values.demo !== undefined,
    pollMs: int("poll-ms", values["poll-ms"]!, 500),
    shutdownTimeoutMs: int("shutdown-timeout", values["shutdown-timeout"]!, 1) * 1000,
    supervise: values.supervise!,
    crashLog: values["crash-log"]!,
  };
}

/** The real dom0: xl and xenstore-* on PATH, a xenstore watch to refresh on change. */
export function dom0Io(): Dom0Io {
  return {
    run: spawnRunner,
    now: () => Date.now(),
    async readTail(path, maxBytes) {
      let f;
      try {
        f = await open(path, "r");
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === "ENOENT") return null;
        throw e;
      }
      try {
        // /proc files report size 0: read them from the start.
        const { size } = await f.stat();
        const start = size > maxBytes ? size - maxBytes : 0;
        const buf = Buffer.alloc(size ? Math.min(size, maxBytes) : maxBytes);
        const { bytesRead } = await f.read(buf, 0, buf.length, start);
        return buf.subarray(0, bytesRead).toString("utf8");
      } finally {
        await f.close();
      }
    },
    watch(path, onChange) {
      const child = spawn(Xenstore.watchArgv(path)[0]!, Xenstore.watchArgv(path).slice(1), {
        stdio: ["ignore", "pipe", "ignore"],
      });
      child.stdout.on("data", onChange);
      child.on("error", () => undefined);
      return () => child.kill();
    },
  };
}

/** Runs the switcher until it is told to quit (demo / --allow-quit); in dom0 it runs for good. */
export async function runSwitcher(o: SwitcherOptions): Promise<void> {
  const demo = o.demoFixtures ? await demoSetup(o.demoFixtures) : null;
  const sized = process.stdout.isTTY ? ensureTerminalSize() : null;
  const ui = createScreen();
  if (sized) ui.view.log(sized);
  // guests' install requests (src/dom0/broker): only against the real dom0
  const broker = demo
    ? undefined
    : new Broker(
        dom0BrokerIo({
          run: spawnRunner,
          mediumDir: o.mediumDir,
          install: dom0Installer(spawnRunner, o.mediumDir, install),
          log: (l) => ui.view.log(l),
        }),
      );
  const stopRequests = broker ? watchRequests((domid) => void broker.onRequest(domid)) : undefined;
  const xenconsole = demo ? null : findXenconsole();
  const controller = new Controller({
    io: demo?.io ?? dom0Io(),
    poll: {
      mediumDir: demo?.mediumDir ?? o.mediumDir,
      consoleLogDir: demo?.consoleLogDir ?? o.consoleLogDir,
    },
    view: ui.view,
    demo: demo !== null,
    allowQuit: o.allowQuit,
    shutdownTimeoutMs: o.shutdownTimeoutMs,
    pollMs: o.pollMs,
    consoleArgv: demo ? demoConsoleArgv : (name, id) => Xl.consoleArgv(name, id, xenconsole),
    viewArgv: demo ? demoConsoleArgv : (name) => ["vnc-view", name, o.mediumDir],
    shellArgv: demo
      ? demoConsoleArgv("dom0-shell")
      : [existsSync("/bin/bash") ? "/bin/bash" : "/bin/sh", "-l"],
    broker,
  });
  ui.onKey((k) => controller.key(k));
  ui.onLogClosed(() => controller.closeLog());
  try {
    ui.view.log(
      `terminal ${ui.terminfo()}, ${demo ? "DEMO: recorded fixtures, no Xen" : `medium ${o.mediumDir}`}`,
    );
    // READY means the first frame is on the screen (the deck's rows, from the medium and the
    // supervisor's files); the first xl poll comes after it, still at the priority started with
    await controller.drawFirst();
    const err = emitMarker(o.events, READY_MARKER);
    if (err) ui.view.log(`warning: ${err}`);
    if (!demo) tellDrawn();
    await controller.start();
    if (!demo) normalPriority();
    await controller.done;
  } finally {
    stopRequests?.();
    controller.stop();
    ui.destroy();
  }
}

/** Tells dom0's guests-up that the list is on the screen (DRAWN_FILE). */
function tellDrawn(): void {
  try {
    writeFileSync(DRAWN_FILE, `${Date.now()}\n`);
  } catch {
    // Not dom0 (a test run on the host): nobody waits for it.
  }
}

/**
 * dom0's switcher-up starts the switcher at nice 19, so its start-up yields to the guests' hotplug
 * scripts; once drawn it takes normal priority back, for itself and the consoles it attaches.
 */
function normalPriority(): void {
  try {
    if (getPriority() > 0) setPriority(0);
  } catch {
    // Not root (a test run): stay as started.
  }
}

/** The bundle's entry (bundle.ts): argv without node and the script. */
export async function switcherMain(argv: string[]): Promise<number> {
  let options: SwitcherOptions;
  try {
    options = parseSwitcherArgs(argv);
  } catch (e) {
    process.stderr.write(`switcher: ${(e as Error).message}\n${USAGE}\n`);
    return 2;
  }
  if (options.supervise) {
    // The same script again, as the supervised child.
    const child = argv.filter(
      (a, i) => a !== "--supervise" && a !== "--crash-log" && argv[i - 1] !== "--crash-log",
    );
    return supervise([process.execPath, process.argv[1]!, ...child], { logFile: options.crashLog });
  }
  await runSwitcher(options);
  return 0;
}
