import { open, rm } from "node:fs/promises";
import { join } from "node:path";
import { startBoot } from "../src/qemu/session.ts";
import { exec } from "../src/tools/exec.ts";
import { consoleShell } from "../test/helpers/console-shell.ts";
import { benchBuild, ciDeckCopy } from "./run.ts";

const MINUTE = 60_000;

/**
 * Issue 7's run-time saves, one boot of the CI deck (micro1 only, dom0's shell on the console, an
 * ext4 disk labelled LIVEDECK-SAVE): guest-save to RAM and to disk and guest-start's restore of each
 * (to READY again), then what zstd -1 costs and saves: a raw `xl save` to dom0's tmpfs, compressing
 * that with zstd -1, and `xl restore -p` from the raw file vs through `zstd -dc`. dom0's clock.
 */
export async function benchRtsave(): Promise<void> {
  const { dir, deck } = await ciDeckCopy("rtsave");
  const b = await benchBuild(deck, join(dir, "out"), "--format", "iso", "--append", "livedeck.guests=micro1");
  const iso = b.outputs.find((o) => o.format === "iso")!.path;
  const disk = join(dir, "save.img");
  const f = await open(disk, "w");
  await f.truncate(512 * 1024 ** 2);
  await f.close();
  await exec(["mkfs.ext4", "-q", "-F", "-L", "LIVEDECK-SAVE", disk], { stage: "bench rtsave" });
  const lines: string[] = [];
  const s = await startBoot({
    iso,
    disks: [disk],
    append: "livedeck.noswitcher",
    onLine: (source, text) => source === "console" && lines.push(text),
  });
  try {
    await s.expect("LIVEDECK-DOM0-READY", 6 * MINUTE);
    await s.expect(/LIVEDECK-GUEST-READY micro1 cold/, 12 * MINUTE);
    const sh = await consoleShell(s, lines);
    const said = async (cmd: string, re: RegExp) => {
      const out = await sh(cmd, 10 * MINUTE);
      const m = out.map((l) => re.exec(l)).find(Boolean);
      if (!m) throw new Error(`${cmd}: no ${re} in:\n${out.join("\n")}`);
      return m;
    };
    await sh(
      "C=$(cat /run/livedeck/guests/micro1/config); t() { cut -d' ' -f1 /proc/uptime; }; R=/run/livedeck/raw",
    );
    const secs = (m: RegExpExecArray) => (Number(m[2]) - Number(m[1])).toFixed(1);
    const out: string[] = [];
    for (const where of ["ram", "disk"]) {
      const saved = await said(`guest-save micro1 ${where}`, /saved to \w+ \(\S+, (\d+) bytes, ([\d.]+) s\)/);
      const back = await said(
        "a=$(t); guest-start micro1 $C >/dev/null; echo RS $a $(t) $(cat /run/livedeck/guests/micro1/boot)",
        /^RS ([\d.]+) ([\d.]+) (\w+)$/,
      );
      out.push(
        `${where.padEnd(4)}: guest-save ${saved[2]} s, ${(Number(saved[1]) / 2 ** 20).toFixed(1)} MiB; guest-start → READY ${secs(back)} s (${back[3]})`,
      );
    }
    const raw = await said(
      "a=$(t); xl save micro1 $R.save 2>/dev/null; echo XS $a $(t) $(stat -c %s $R.save)",
      /^XS ([\d.]+) ([\d.]+) (\d+)$/,
    );
    const z = await said(
      "a=$(t); zstd -1 -q $R.save -o $R.zst; echo ZC $a $(t) $(stat -c %s $R.zst)",
      /^ZC ([\d.]+) ([\d.]+) (\d+)$/,
    );
    const rr = await said(
      "a=$(t); xl restore -p $C $R.save >/dev/null 2>&1; echo XR $a $(t); xl destroy micro1",
      /^XR ([\d.]+) ([\d.]+)$/,
    );
    const zr = await said(
      "a=$(t); zstd -dc $R.zst | xl restore -p $C /dev/stdin >/dev/null 2>&1; echo ZR $a $(t); xl destroy micro1",
      /^ZR ([\d.]+) ([\d.]+)$/,
    );
    out.push(
      `raw : xl save to tmpfs ${secs(raw)} s, ${(Number(raw[3]) / 2 ** 20).toFixed(1)} MiB; zstd -1 of it ${secs(z)} s → ${(Number(z[3]) / 2 ** 20).toFixed(1)} MiB (${(Number(raw[3]) / Number(z[3])).toFixed(1)}×)`,
      `      xl restore -p from the raw file ${secs(rr)} s, through zstd -dc ${secs(zr)} s`,
    );
    console.log("CI deck micro1 (96 MiB), TCG, dom0's clock: run-time saves");
    for (const l of out) console.log(l);
  } finally {
    await s.stop();
    await rm(dir, { recursive: true, force: true });
  }
}
