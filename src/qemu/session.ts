import { copyFile, mkdir, mkdtemp } from "node:fs/promises";
import { UserError } from "../errors.ts";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { requireTools } from "../tools/doctor.ts";
import type { ToolName } from "../tools/registry.ts";
import { checkAppend, mediumWithAppend, pxeTreeWithAppend } from "./append.ts";
import { OVMF_VARS, qemuArgv, type Accel, type GuestForward, type HostForward } from "./argv.ts";
import {
  checkAccel,
  checkDom0Fits,
  checkMedium,
  checkMemory,
  parseMarkerMemory,
  readMediumMarker,
} from "./checks.ts";
import { checkPxeTree } from "./pxe-checks.ts";
import { BootFailed, type BootLogs } from "./errors.ts";
import { Expecter, type SeenLine } from "./expect.ts";
import { cleanLine } from "./lines.ts";
import type { Expectation } from "./markers.ts";
import { QemuProcess } from "./serial.ts";
import type { Source } from "./timeline.ts";

export interface SessionOptions {
  /** The ISO, or with `pxe` the PXE tree's directory. */
  iso: string;
  uefi?: boolean;
  usb?: boolean;
  /** Boot `iso`, a PXE tree, over the network from QEMU's built-in TFTP server. */
  pxe?: boolean;
  /** MiB; default 3072 (dom0 takes 1536). */
  memoryMiB?: number;
  accel?: Accel;
  cpu?: string;
  /** Where console.log, events.log and qemu.log go; default a new livedeck-boot-* dir in the temp dir. */
  logDir?: string;
  /** Boot parameters added to every dom0 kernel line, on a copy of the medium (src/qemu/append.ts). */
  append?: string;
  /** Boot this menu entry (its `--id`: verbose, serial, memtest, …) instead of the default, on a copy as `append`. */
  entry?: string;
  /** Open a QMP socket (logDir/qmp.sock) for screendumps and eject. */
  qmp?: boolean;
  /** false: no NIC. Default: user-mode e1000 with restrict=on. */
  net?: boolean;
  hostfwd?: readonly HostForward[];
  /** Host commands the VM reaches as servers on QEMU's user-mode network (argv.ts GuestForward). */
  guestfwd?: readonly GuestForward[];
  /** Raw disk images attached as virtio disks (install targets, the prime stage's scratch disk). */
  disks?: readonly string[];
  /** Each cleaned line as it arrives (a -v view, or a test's own check). */
  onLine?(source: Source, text: string): void;
  /** Raw console bytes as they arrive (an attached terminal). */
  onConsoleData?(chunk: Buffer): void;
}

/** A running boot: expect markers, type on the console, stop. */
export interface BootSession {
  readonly logs: BootLogs;
  readonly qmpSocket?: string;
  readonly expecter: Expecter;
  readonly pid: number | undefined;
  /** With how QEMU ended, after its last output was read. */
  readonly exited: Promise<string>;
  expect(exp: Expectation, timeoutMs: number): Promise<SeenLine>;
  send(text: string | Buffer): void;
  /** Kills QEMU if it still runs; waits until the logs are complete. */
  stop(): Promise<void>;
}

export const DEFAULT_MEMORY_MIB = 3072;

/** Everything checked before anything is written: tools, accelerator, the medium. */
async function preflight(o: SessionOptions): Promise<void> {
  checkMemory(o.memoryMiB ?? DEFAULT_MEMORY_MIB);
  const tools: ToolName[] = [
    "qemu-system-x86_64",
    "setpriv",
    "xorriso",
    ...(o.uefi ? (["ovmf"] as const) : []),
  ];
  await requireTools(tools, "booting the medium");
  await checkAccel(o.accel ?? "tcg");
  const marker = o.pxe
    ? await checkPxeTree(o.iso, o.uefi ? "uefi" : "bios")
    : await checkMedium(o.iso).then(() => readMediumMarker(o.iso));
  if (o.append) checkAppend(o.append);
  if (o.entry !== undefined && !/^[a-z0-9-]+$/.test(o.entry))
    throw new UserError(
      `--entry: '${o.entry}' is not a menu entry id`,
      "e.g. --entry verbose (the ids are in the menu's --id words)",
    );
  if (o.entry && o.pxe)
    throw new UserError("--entry: a PXE boot takes its server's menu", "boot the ISO to pick an entry");
  checkDom0Fits(parseMarkerMemory(marker), o.memoryMiB ?? DEFAULT_MEMORY_MIB);
}

/** Starts QEMU on the medium with the console and events channels read into an Expecter. */
export async function startBoot(o: SessionOptions): Promise<BootSession> {
  await preflight(o);
  const dir = o.logDir ? resolve(o.logDir) : await mkdtemp(join(tmpdir(), "livedeck-boot-"));
  await mkdir(dir, { recursive: true });
  const logs: BootLogs = {
    console: join(dir, "console.log"),
    events: join(dir, "events.log"),
    qemu: join(dir, "qemu.log"),
  };
  const ovmfVars = o.uefi ? join(dir, "OVMF_VARS.fd") : undefined;
  if (ovmfVars) await copyFile(OVMF_VARS, ovmfVars);
  const qmpSocket = o.qmp ? join(dir, "qmp.sock") : undefined;
  const argv = qemuArgv({
    medium: o.pxe
      ? o.append
        ? await pxeTreeWithAppend(resolve(o.iso), o.append, dir)
        : resolve(o.iso)
      : o.append || o.entry
        ? await mediumWithAppend(resolve(o.iso), o.append ?? "", dir, o.entry)
        : resolve(o.iso),
    media: o.pxe ? "pxe" : o.usb ? "usb" : "cdrom",
    firmware: o.uefi ? "uefi" : "bios",
    ovmfVars,
    memoryMiB: o.memoryMiB ?? DEFAULT_MEMORY_MIB,
    accel: o.accel,
    cpu: o.cpu,
    eventsFile: logs.events,
    net: o.net === false ? false : { hostfwd: o.hostfwd, guestfwd: o.guestfwd },
    qmpSocket,
    disks: o.disks?.map((d) => resolve(d)),
  });
  const expecter = new Expecter();
  const line = (source: Source) => (raw: string) => {
    const text = cleanLine(raw);
    o.onLine?.(source, text);
    expecter.feed(source, text);
  };
  const proc = await QemuProcess.start({
    argv,
    eventsFile: logs.events,
    consoleLog: logs.console,
    qemuLog: logs.qemu,
    onConsoleLine: line("console"),
    onEventsLine: line("events"),
    onConsoleData: o.onConsoleData,
    onSignal: () => expecter.interrupt(),
  });
  const exited = proc.exited.then((how) => {
    expecter.end(how);
    return how;
  });
  return {
    logs,
    qmpSocket,
    expecter,
    pid: proc.pid,
    exited,
    async expect(exp, timeoutMs) {
      try {
        return await expecter.expect(exp, timeoutMs);
      } catch (e) {
        if (e instanceof BootFailed) {
          e.logs = logs;
          e.timeline = expecter.timeline.entries;
          if (e.reason === "qemu-exited") e.qemuStderr = proc.stderrTail();
        }
        throw e;
      }
    },
    send: (text) => proc.send(text),
    async stop() {
      await proc.stop();
      await exited;
    },
  };
}
