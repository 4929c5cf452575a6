import { readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { bootMedium } from "../src/qemu/boot.ts";
import { BENCH_STORE, benchBuild, ciDeckCopy, row, timed } from "./run.ts";

const MiB = 1024 * 1024;

async function readyAt(iso: string, uefi = false): Promise<number> {
  const r = await bootMedium({ iso, uefi, timeoutMs: 300_000 });
  return r.timeline.find((t) => t.label === "dom0 ready")!.seconds;
}

/**
 * Issue 4's figures in one run on the CI deck: dom0 initrd size and build time per zstd level, boot
 * to dom0 ready (BIOS) for each, UEFI boot, and the ISO stage on a warm store.
 */
export async function benchBoot(): Promise<void> {
  const { dir, deck } = await ciDeckCopy("boot");
  try {
    const text = await readFile(deck, "utf8");
    const results: { level: number; seconds: number; bytes: number; cpio: number; ready: number; iso: string }[] = [];
    for (const level of [3, 9, 19]) {
      await writeFile(deck, `${text}\n`.replace(/^dom0:\n/m, `dom0:\n  compression: { level: ${level} }\n`));
      const b = await benchBuild(deck, join(dir, `out-${level}`), "--from", "dom0-initrd");
      const step = b.steps.find((s) => s.key === "dom0-initrd")!;
      const iso = b.outputs[0]!.path;
      results.push({
        level,
        seconds: step.seconds,
        bytes: Number(step.report.imgBytes),
        cpio: Number(step.report.cpioBytes),
        ready: await readyAt(iso),
        iso,
      });
    }
    console.log("dom0 initrd: zstd level vs build time vs boot (CI deck, TCG, BIOS CD)");
    console.log("level  build s   initrd MiB  cpio MiB  dom0 ready s");
    for (const r of results) {
      console.log(
        `${String(r.level).padStart(5)}  ${r.seconds.toFixed(1).padStart(7)}  ${(r.bytes / MiB).toFixed(1).padStart(10)}  ${(r.cpio / MiB).toFixed(1).padStart(8)}  ${r.ready.toFixed(1).padStart(12)}`,
      );
    }
    const best = results.find((r) => r.level === 19)!;
    const bios = best.ready;
    const uefi = await readyAt(best.iso, true);
    console.log(row("boot to dom0 ready, BIOS", bios));
    console.log(row("boot to dom0 ready, UEFI (OVMF)", uefi, bios));
    const isoStep = await benchBuild(deck, join(dir, "out-iso"), "--from", "iso");
    const isoSeconds = isoStep.steps.find((s) => s.key === "iso")!.seconds;
    console.log(row("iso stage on a warm store", isoSeconds));
    console.log(row("whole no-op rebuild (CLI wall clock)", (await timed(["build", deck, "--store", BENCH_STORE, "--out", join(dir, "out-iso")])).seconds));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
