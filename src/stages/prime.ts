import { createHash } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import { mkdir, open, readFile, rm, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { pipeline } from "node:stream/promises";
import { z } from "zod";
import { MIB, PRIME_REQUEST, parsePrimeIndex, scratchBytes } from "../formats/prime-disk.ts";
import {
  CPU_VENDORS,
  configLayers,
  setEnvText,
  stateMetaText,
  stateZstdArgv,
} from "../formats/state-meta.ts";
import { defineStage } from "../pipeline/stage.ts";
import { BootFailed } from "../qemu/errors.ts";
import { startToDom0 } from "../qemu/stall.ts";
import { DOM0_MEDIUM, GUESTS_ROOT } from "./guests-medium.ts";
import { GUESTS_TREE, ISO_FILE } from "./iso.ts";

export const PrimeOptions = z
  .object({
    vendor: z.enum(["intel", "amd"]).describe("CPU vendor whose state set this boot saves"),
    cpu: z
      .string()
      .regex(/^[A-Za-z0-9_.+-]+$/)
      .describe("QEMU -cpu model: a low baseline of the vendor, so states restore on newer CPUs"),
    level: z.number().int().min(1).max(22).describe("zstd level of the states"),
    long: z.boolean().describe("zstd --long (27: 128 MiB window, a whole small guest)"),
    timeoutS: z.number().int().positive().default(3600).describe("seconds the prime boot may take"),
  })
  .strict();
export type PrimeOptions = z.infer<typeof PrimeOptions>;

/**
 * dom0 comes up in well under a minute in the prime VM, minutes on a busy host; once in dozens of
 * TCG boots its kernel stayed silent after Xen's "about to get started..." (a CI rehearsal's prime
 * hung there for good). Such a boot is abandoned after DOM0_READY_S and the medium booted again
 * (src/qemu/stall.ts, the harness's one retry), instead of waiting out the whole prime timeout.
 */
const DOM0_READY_S = 600;
const DOM0_ATTEMPTS = 2;

const sha256File = async (path: string) => {
  const h = createHash("sha256");
  await pipeline(createReadStream(path), h);
  return h.digest("hex");
};

/** Guest names and memory (MiB) from the guests tree's guests.list, autostart guests only. */
function autostartGuests(listText: string): { name: string; memoryMiB: number; config: string }[] {
  return listText
    .split("\n")
    .filter((l) => l && !l.startsWith("#"))
    .map((l) => l.split(" "))
    .filter((f) => f[1] === "yes")
    .map((f) => ({ name: f[0]!, memoryMiB: Number(f[2]), config: f[4]! }));
}

/**
 * Boots the prime ISO (the deck's medium without states, its menu with `livedeck.prime`) in QEMU
 * on one CPU model with a scratch disk; dom0 brings every autostart guest to ready and saves it
 * there (prime-states); the states are read back, compressed and described (state-meta.ts) under
 * states/<vendor id>/, which the final iso step places at livedeck/states/ on the medium.
 */
export default defineStage({
  name: "prime",
  version: 1,
  summary: "boot the medium once per CPU vendor, bring the guests to ready, save their states (zstd)",
  options: PrimeOptions,
  consumes: ["iso", "guests"],
  inputs: () => [],
  tools: ["qemu-system-x86_64", "setpriv", "xorriso", "zstd"],
  async run(ctx) {
    const o = ctx.options;
    const tree = join(ctx.input("guests"), GUESTS_TREE);
    const guests = autostartGuests(await readFile(join(tree, GUESTS_ROOT, "guests.list"), "utf8"));
    const work = join(ctx.out, "work");
    await mkdir(work, { recursive: true });
    const scratch = join(work, "scratch.raw");

    const t0 = Date.now();
    const { session: s } = await startToDom0(
      {
        iso: join(ctx.input("iso"), ISO_FILE),
        cpu: o.cpu,
        disks: [scratch],
        logDir: join(ctx.out, "boot"),
        net: false,
      },
      DOM0_READY_S * 1000,
      {
        attempts: DOM0_ATTEMPTS,
        // a fresh scratch disk for each boot: only the request header, the rest sparse
        fresh: async () => {
          await writeFile(scratch, `${PRIME_REQUEST}\n`);
          const fh = await open(scratch, "r+");
          await fh.truncate(scratchBytes(guests.map((g) => g.memoryMiB)));
          await fh.close();
        },
        onRetry: (r) => ctx.log(`dom0 not up on -cpu ${o.cpu}: ${r.detail}; booting again`),
      },
    );
    ctx.log(`booting the medium on -cpu ${o.cpu} (logs in ${s.logs.console})`);
    try {
      const end = await s.expect(/^LIVEDECK-PRIME-(DONE|FAILED)/, o.timeoutS * 1000);
      if (end.text !== "LIVEDECK-PRIME-DONE") {
        const tail = (await readFile(s.logs.console, "utf8")).replaceAll("\r", "").split("\n").slice(-40);
        throw new BootFailed(
          "guest-failed",
          "LIVEDECK-PRIME-DONE",
          tail,
          end.seconds,
          `prime on -cpu ${o.cpu}: ${end.text}`,
        );
      }
      // no need to wait for the power-off: dom0 synced the disk before DONE, and what QEMU wrote
      // is in the host's file whatever becomes of QEMU
    } finally {
      await s.stop();
    }
    const bootSeconds = (Date.now() - t0) / 1000;

    const head = Buffer.alloc(MIB);
    const disk = await open(scratch, "r");
    await disk.read(head, 0, MIB, 0);
    await disk.close();
    const index = parsePrimeIndex(head.toString("latin1").split("\0")[0]!);
    const vendorId = index.facts.find(([k]) => k === "vendor")?.[1];
    if (vendorId !== CPU_VENDORS[o.vendor])
      throw new Error(
        `prime: -cpu ${o.cpu} reports vendor ${vendorId}, not ${CPU_VENDORS[o.vendor]} (${o.vendor})`,
      );
    const missing = guests.filter((g) => !index.states.some((st) => st.name === g.name));
    if (missing.length) throw new Error(`prime: no saved state of ${missing.map((g) => g.name).join(", ")}`);

    const dir = join(ctx.out, "states", vendorId);
    await mkdir(dir, { recursive: true });
    const zstd = `-${o.level}${o.long ? " --long=27" : ""}`;
    await writeFile(join(dir, "set.env"), setEnvText(index.facts, { cpuModel: o.cpu, zstd }));
    const report: Record<string, number | string> = {
      bootSeconds: Number(bootSeconds.toFixed(1)),
      vendor: vendorId,
    };
    for (const st of index.states) {
      const guest = guests.find((g) => g.name === st.name)!;
      const raw = join(work, `${st.name}.raw`);
      await pipeline(
        createReadStream(scratch, { start: st.offset, end: st.offset + st.bytes - 1 }),
        createWriteStream(raw),
      );
      const zst = join(dir, `${st.name}.zst`);
      await ctx.exec(stateZstdArgv(o.level, o.long, raw, zst));
      await rm(raw);
      const configText = await readFile(join(tree, guest.config), "utf8");
      const layers = [];
      for (const p of configLayers(configText, DOM0_MEDIUM)) {
        const file = join(tree, p);
        layers.push({ path: p, bytes: (await stat(file)).size, sha256: await sha256File(file) });
      }
      const stateBytes = (await stat(zst)).size;
      await writeFile(
        join(dir, `${st.name}.meta`),
        stateMetaText({
          configSha256: createHash("sha256").update(configText).digest("hex"),
          layers,
          rawBytes: st.bytes,
          stateBytes,
          stateSha256: await sha256File(zst),
        }),
      );
      ctx.log(
        `${st.name}: ${(st.bytes / MIB).toFixed(1)} MiB saved → ${(stateBytes / MIB).toFixed(1)} MiB zstd (${zstd})`,
      );
      report[`${st.name}Bytes`] = stateBytes;
    }
    await rm(work, { recursive: true, force: true });
    return report;
  },
});
