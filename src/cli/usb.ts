import { stat } from "node:fs/promises";
import { createInterface } from "node:readline/promises";
import type { Command } from "commander";
import { InterruptedError, UserError } from "../errors.ts";
import { checkMedium } from "../qemu/checks.ts";
import { confirmation, refuseDevice, typedMatches, type DeviceFacts } from "../tools/blockdev.ts";
import { deviceFacts } from "../tools/blockdev-facts.ts";
import { requireTools } from "../tools/doctor.ts";
import { writeImage, type WriteProgress } from "../tools/image-writer.ts";
import { humanBytes, printJson } from "./render.ts";
import { interruptSignal } from "./signals.ts";

interface UsbWriteFlags {
  yes?: boolean;
  deviceSerial?: string;
  json?: boolean;
}

function describeDevice(d: DeviceFacts): string {
  const what = [
    d.model,
    d.serial && `serial ${d.serial}`,
    d.transport,
    d.sizeBytes && humanBytes(d.sizeBytes),
  ];
  return `${d.path}${d.realPath !== d.path ? ` (${d.realPath})` : ""}: ${what.filter(Boolean).join(", ")}`;
}

function progressLine(p: WriteProgress): string {
  const pct = p.total ? Math.floor((100 * p.bytes) / p.total) : 100;
  return `${p.phase === "write" ? "writing" : "verifying"} ${humanBytes(p.bytes)} / ${humanBytes(p.total)} (${pct}%) at ${humanBytes(p.rate)}/s`;
}

async function askTyped(d: DeviceFacts): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    process.stderr.write(`everything on ${describeDevice(d)} will be overwritten.\n`);
    return typedMatches(d, await rl.question(`type the device name (${d.path}) again to go on: `));
  } finally {
    rl.close();
  }
}

/** The verb: checks the ISO and the device, confirms, writes, verifies. Every refusal writes nothing. */
export async function usbWrite(iso: string, device: string, f: UsbWriteFlags, signal?: AbortSignal) {
  await requireTools(["lsblk", "findmnt", "blockdev"], "usb write");
  await checkMedium(iso);
  const isoBytes = (await stat(iso)).size;
  const dev = await deviceFacts(device);
  const refusal = refuseDevice(dev, isoBytes);
  if (refusal) throw new UserError(`${refusal.message}; nothing was written`, refusal.hint);
  const how = confirmation(dev, {
    yes: f.yes === true,
    deviceSerial: f.deviceSerial,
    tty: Boolean(process.stdin.isTTY && process.stderr.isTTY),
  });
  if (typeof how === "object") throw new UserError(`${how.message}; nothing was written`, how.hint);
  if (how === "ask" && !(await askTyped(dev)))
    throw new UserError(
      `the name typed is not ${device}; nothing was written`,
      "type the device name exactly as given",
    );

  const tty = process.stderr.isTTY && !f.json;
  const r = await writeImage(iso, dev.realPath, {
    blockDevice: true,
    signal,
    onProgress: (p) => process.stderr.write(tty ? `\r${progressLine(p)}\x1b[K` : `${progressLine(p)}\n`),
  }).catch((e: unknown) => {
    throw signal?.aborted ? new InterruptedError() : e;
  });
  if (tty) process.stderr.write("\n");
  const result = { iso, device, realPath: dev.realPath, serial: dev.serial ?? null, ...r, verified: true };
  if (f.json) printJson(result);
  else process.stderr.write(`wrote and verified ${humanBytes(r.bytes)} on ${device} (sha256 ${r.sha256})\n`);
  return result;
}

export function registerUsb(program: Command): void {
  const usb = program.command("usb").description("put the hybrid ISO on a USB stick");
  usb
    .command("write")
    .description(
      "Write the ISO to a whole removable disk (a USB stick), fsync, and verify by reading it back (sha256). " +
        "Refuses files, loop, device-mapper and RAID devices, partitions, non-removable disks, disks with " +
        "mounted filesystems or holding the running system, and devices smaller than the ISO.",
    )
    .argument("<iso>", "the ISO, e.g. out/demo.iso")
    .argument("<device>", "the whole stick, e.g. /dev/sdX (see `lsblk -o NAME,TRAN,RM,SIZE,MODEL,SERIAL`)")
    .option("--yes", "do not ask to type the device name again; needs --device-serial")
    .option(
      "--device-serial <serial>",
      "with --yes: the stick's serial number, which must match the device's",
    )
    .option("--json", "print the result as JSON on stdout (progress goes to stderr)")
    .action(async (iso: string, device: string, f: UsbWriteFlags) => {
      await usbWrite(iso, device, f, interruptSignal());
    });
}
