import type { Command } from "commander";
import { UserError } from "../errors.ts";
import { DEFAULT_TIMEOUT_MS, bootMedium, type BootOptions, type BootResult } from "../qemu/boot.ts";
import { BootFailed } from "../qemu/errors.ts";
import { cpuForMedium } from "../qemu/medium-states.ts";
import { QUIT_HELP } from "../qemu/interactive.ts";
import type { Expectation } from "../qemu/markers.ts";
import { DEFAULT_MEMORY_MIB } from "../qemu/session.ts";
import { formatTimeline, type TimelineEntry } from "../qemu/timeline.ts";

interface BootFlags {
  uefi?: boolean;
  usb?: boolean;
  pxe?: boolean;
  memory: string;
  timeout: string;
  expect?: string[];
  accel: string;
  cpu?: string;
  interactive?: boolean;
  json?: boolean;
  log?: string;
  append?: string;
  entry?: string;
  retryStall?: boolean;
}

function number(flag: string, value: string, hint: string): number {
  const n = Number(value);
  if (value.trim() === "" || !Number.isFinite(n))
    throw new UserError(`${flag}: '${value}' is not a number`, hint);
  return n;
}

/** `/…/` is a pattern; anything else is a marker's leading words. */
export function parseExpectation(s: string): Expectation {
  const m = /^\/(.+)\/([a-z]*)$/.exec(s);
  if (!m) {
    if (s.trim() === "")
      throw new UserError("--expect: empty marker", "e.g. --expect LIVEDECK-SWITCHER-READY");
    return s.trim();
  }
  try {
    return new RegExp(m[1]!, m[2]);
  } catch (e) {
    throw new UserError(
      `--expect ${s}: ${(e as Error).message}`,
      "write a JavaScript regular expression between slashes",
    );
  }
}

/** Flags → options for bootMedium; every bad flag is a UserError before anything starts. */
export function bootOptions(iso: string, f: BootFlags): BootOptions {
  if (f.accel !== "tcg" && f.accel !== "kvm") {
    throw new UserError(
      `--accel: '${f.accel}' is not tcg or kvm`,
      "use --accel tcg (default) or --accel kvm",
    );
  }
  if (f.cpu !== undefined && !/^[A-Za-z0-9_.+-]+$/.test(f.cpu))
    throw new UserError(
      `--cpu: '${f.cpu}' is not a QEMU CPU model name`,
      "e.g. --cpu Nehalem (qemu-system-x86_64 -cpu help lists them)",
    );
  const timeout = number("--timeout", f.timeout, "seconds per marker, e.g. --timeout 180");
  if (timeout <= 0) throw new UserError(`--timeout: ${timeout} s is not positive`, "e.g. --timeout 180");
  if (f.usb && f.pxe) throw new UserError("--usb and --pxe: a boot is from one medium", "give one of them");
  return {
    iso,
    uefi: f.uefi === true,
    usb: f.usb === true,
    pxe: f.pxe === true,
    memoryMiB: number("--memory", f.memory, `MiB, e.g. --memory ${DEFAULT_MEMORY_MIB}`),
    timeoutMs: timeout * 1000,
    expect: (f.expect ?? []).map(parseExpectation),
    accel: f.accel,
    ...(f.cpu ? { cpu: f.cpu } : {}),
    logDir: f.log,
    append: f.append,
    ...(f.entry ? { entry: f.entry } : {}),
    ...(f.retryStall ? { retryStall: true } : {}),
  };
}

function say(line: string): void {
  process.stderr.write(`${line}\n`);
}

function describe(o: BootOptions): string {
  const how = [
    o.uefi ? "UEFI" : "BIOS",
    o.pxe ? "PXE" : o.usb ? "USB stick" : "CD",
    (o.accel ?? "tcg").toUpperCase(),
  ];
  return `booting ${o.iso} (${how.join(", ")}, ${o.memoryMiB} MiB)`;
}

function json(r: { ok: boolean } & Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify(r, null, 2)}\n`);
}

export async function runBoot(o: BootOptions, f: Pick<BootFlags, "json" | "interactive">): Promise<void> {
  // a medium with saved states boots a CPU they were primed on, else every guest boots cold
  const cpu = await cpuForMedium(o.iso, { pxe: o.pxe, flag: o.cpu });
  say(cpu.why);
  o = { ...o, ...(cpu.cpu ? { cpu: cpu.cpu } : {}) };
  const live = (e: TimelineEntry) => say(`${e.seconds.toFixed(1).padStart(6)} s  ${e.label}`);
  const opts: BootOptions = {
    ...o,
    interactive: f.interactive
      ? { stdin: process.stdin, output: f.json ? process.stderr : process.stdout }
      : undefined,
    onStart(s) {
      say(`${describe(o)}; logs in ${s.logs.console.replace(/\/console\.log$/, "")}`);
      if (f.interactive) say(`attached to the serial console; ${QUIT_HELP}`);
      else s.expecter.timeline.onEntry = live;
    },
  };
  let r: BootResult;
  try {
    r = await bootMedium(opts);
  } catch (e) {
    if (e instanceof BootFailed && f.json) {
      const failure = { reason: e.reason, awaited: e.awaited, message: e.detail, tail: e.tail };
      json({ ok: false, cpu, failure, timeline: e.timeline ?? [], markers: [], logs: e.logs });
    }
    throw e;
  }
  const logs = { console: r.consoleLog, events: r.eventsLog, qemu: r.qemuLog };
  for (const x of r.retries) say(`booted again: the first boot stalled before dom0 was ready (${x.detail})`);
  if (f.json)
    return json({
      ok: r.ok,
      cpu,
      seconds: r.seconds,
      timeline: r.timeline,
      markers: r.markers,
      logs,
      retries: r.retries,
    });
  process.stdout.write(`${formatTimeline(r.timeline)}\n`);
  if (!r.ok) say("not every expected marker was seen");
}

export function registerBoot(program: Command): Command {
  return program
    .command("boot")
    .summary("boot a medium in QEMU and wait for its boot markers")
    .description(
      "Boot an ISO in QEMU (TCG, serial console) and wait for its boot markers in order; prints a timeline. " +
        "Markers are read on the console and on the second serial port (dom0's /dev/ttyS1).",
    )
    .argument("<iso>", "the medium, e.g. out/demo.iso (with --pxe a PXE tree, e.g. out/demo-pxe)")
    .option("--uefi", "boot with UEFI firmware (OVMF) instead of BIOS")
    .option("--usb", "attach the ISO as a USB stick instead of a CD")
    .option("--pxe", "network-boot the PXE tree <iso> from QEMU's built-in DHCP and TFTP servers")
    .option("--memory <MiB>", "VM memory in MiB", String(DEFAULT_MEMORY_MIB))
    .option("--timeout <sec>", "seconds to wait for each marker", String(DEFAULT_TIMEOUT_MS / 1000))
    .option(
      "--expect <marker...>",
      'markers to wait for, in order ("LIVEDECK-GUEST-READY jeos" or /pattern/); default LIVEDECK-DOM0-READY',
    )
    .option("--accel <tcg|kvm>", "tcg, or kvm where /dev/kvm is real hardware", "tcg")
    .option(
      "--cpu <model>",
      "QEMU CPU model. Default: when the medium carries saved states, the model one of its sets was primed on (the host's vendor first; its set.env says which), so guests restore; else QEMU's qemu64. States restore only on the vendor they were primed on, e.g. Nehalem (Intel) or Opteron_G3 (AMD)",
    )
    .option("--interactive", `attach this terminal to the serial console (${QUIT_HELP})`)
    .option("--json", "print the result as JSON on stdout (everything else goes to stderr)")
    .option(
      "--append <args>",
      'boot parameters added to every dom0 kernel line, on a copy of the ISO or of the PXE tree\'s menu (e.g. "livedeck.toram livedeck.nossh")',
    )
    .option(
      "--entry <id>",
      "boot this menu entry instead of the default (verbose, rescue, serial, memtest; the ids of the menu's entries), on a copy of the medium",
    )
    .option(
      "--retry-stall",
      "boot once more when dom0 stays silent before LIVEDECK-DOM0-READY (a hazard of emulated boots on a loaded host), and only then; the retry is reported",
    )
    .option("--log <dir>", "write console.log, events.log and qemu.log here (default: a new temp dir)")
    .action(async (iso: string, flags: BootFlags) => {
      await runBoot(bootOptions(iso, flags), flags);
    });
}
