import { cp, mkdir, mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { execa } from "execa";
import { DEFAULT_STATE_CPUS, stateZstdArgv } from "../src/formats/state-meta.ts";
import { parseMarker } from "../src/qemu/markers.ts";
import { startBoot } from "../src/qemu/session.ts";
import { DEBSSH_FILES } from "../test/helpers/debssh.ts";
import { statesDeck } from "../test/helpers/states-deck.ts";
import { benchBuild, ROOT, row, type Build } from "./run.ts";

const MiB = 1024 * 1024;
const GUESTS = ["micro1", "deb"]; // statesDeck's autostart guests

/** Boots `iso` on `cpu` until each of `names` (default: the CI guests) is ready: each guest's READY (how, seconds) and when the last one came. */
async function bootGuests(iso: string, cpu: string, append?: string, names: readonly string[] = GUESTS) {
  let switcher: number | undefined; // seconds since QEMU start of LIVEDECK-SWITCHER-READY, when drawn
  const s = await startBoot({
    iso,
    cpu,
    append,
    onLine: (_source, text) => {
      if (switcher === undefined && parseMarker(text)?.kind === "switcher-ready") switcher = s.expecter.seconds();
    },
  });
  // the medium's copy that `append` took (src/qemu/append.ts); the logs stay
  const copy = append ? join(dirname(s.logs.console), "medium.iso") : undefined;
  try {
    const dom0 = await s.expect("LIVEDECK-DOM0-READY", 600_000);
    const guests: Record<string, { how: string; seconds: number }> = {};
    let last = 0;
    for (const g of names) {
      const r = await s.expect(`LIVEDECK-GUEST-READY ${g}`, 900_000);
      const m = parseMarker(r.text);
      if (m?.kind !== "guest-ready") throw new Error(`not a READY marker: ${r.text}`);
      guests[g] = { how: m.how, seconds: m.seconds };
      last = r.seconds;
    }
    return { dom0: dom0.seconds, allReady: last, guests, switcher };
  } finally {
    await s.stop();
    if (copy) await rm(copy, { force: true });
  }
}

/** Seconds a command takes. */
async function secs(cmd: string[]): Promise<number> {
  const t0 = performance.now();
  await execa(cmd[0]!, cmd.slice(1));
  return (performance.now() - t0) / 1000;
}

/** Each prime step's boot time (this run's, or the cached build's) and each guest's state bytes on the medium. */
export function printPrimes(steps: Build["steps"], guests: readonly string[]): void {
  for (const st of steps.filter((s) => s.key.startsWith("prime:"))) {
    const r = st.report;
    console.log(
      row(
        `${st.key} (${st.cached ? "cached; its boot took" : "built"})`,
        st.cached ? Number(r.bootSeconds) : st.seconds,
      ),
    );
    for (const g of guests)
      console.log(`  ${g} state on the medium: ${(Number(r[`${g}Bytes`]) / MiB).toFixed(1)} MiB`);
  }
}

/**
 * Boots the medium with its states and again with `livedeck.states=off` (a copy, src/qemu/append.ts)
 * and prints each guest's ready time restored vs cold, and boot → all guests ready, side by side.
 */
export async function restoreVsCold(iso: string, cpu: string, guests: readonly string[]) {
  const on = await bootGuests(iso, cpu, undefined, guests);
  const off = await bootGuests(iso, cpu, "livedeck.states=off", guests);
  console.log(`\nguest ready (from the start of xl restore / xl create), -cpu ${cpu}, TCG`);
  for (const g of guests) {
    const [a, b] = [on.guests[g]!, off.guests[g]!];
    console.log(row(`${g}: ${a.how}`, a.seconds));
    console.log(row(`${g}: ${b.how}`, b.seconds, a.seconds));
  }
  console.log("\nboot → all autostart guests ready (QEMU start to the last READY)");
  console.log(row("with states", on.allReady));
  console.log(row("without states (livedeck.states=off)", off.allReady, on.allReady));
  // the issue's figure: what a person waits for once dom0 is up (goal: restored ≥ 4× faster)
  console.log("\ndom0 ready → all autostart guests ready");
  console.log(row("with states", on.allReady - on.dom0));
  console.log(row("without states (livedeck.states=off)", off.allReady - off.dom0, on.allReady - on.dom0));
  if (on.switcher !== undefined) {
    console.log("\ndom0 ready → switcher drawn (LIVEDECK-SWITCHER-READY)");
    console.log(row("with states", on.switcher - on.dom0));
    if (off.switcher !== undefined) console.log(row("without states", off.switcher - off.dom0));
  }
  return { on, off };
}

/**
 * `npm run bench -- states demo`: restore vs cold on the default deck's guests (busybox micro, jeos,
 * server with MariaDB), whose cold boots do more work than the CI deck's. One Intel set at zstd -3;
 * the switcher on, as a person boots it (the guests wait for its first frame): dom0 ready → drawn.
 */
async function benchStatesDemo(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), "livedeck-bench-states-demo-"));
  const intel = DEFAULT_STATE_CPUS.find((c) => c.vendor === "intel")!.model;
  const guests = ["micro", "jeos", "server"]; // flavours/demo.deck.yaml, in deck order
  try {
    await cp(join(ROOT, "flavours"), join(dir, "flavours"), { recursive: true });
    const deck = join(dir, "flavours", "demo.deck.yaml");
    const text = await readFile(deck, "utf8");
    if (!/^boot:\n/m.test(text) || /^states:/m.test(text))
      throw new Error("bench states demo: unexpected demo.deck.yaml");
    await writeFile(deck, `${text}states:\n  cpus: [{ vendor: intel, model: ${intel} }]\n  level: 3\n`);
    const append = "livedeck.guest-timeout=1800";
    const built = await benchBuild(deck, join(dir, "out"), "--append", append);
    printPrimes(built.steps, guests);
    await restoreVsCold(built.outputs[0]!.path, intel, guests);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * Issue 7's figures in one run on the CI deck with states (the vm test's statesDeck: a busybox guest
 * and a Debian one with sshd, states for both vendors): guest ready via restore vs cold boot (same medium,
 * the cold boot with livedeck.states=off), boot → all autostart guests ready with and without
 * states, state bytes per guest on the medium, the prime stage's time, and zstd levels on a state.
 */
export async function benchStates(): Promise<void> {
  if (process.argv[3] === "demo") return benchStatesDemo();
  const dir = await mkdtemp(join(tmpdir(), "livedeck-bench-states-"));
  const intel = DEFAULT_STATE_CPUS.find((c) => c.vendor === "intel")!.model;
  try {
    await cp(join(ROOT, "flavours"), join(dir, "flavours"), { recursive: true });
    const deck = join(dir, "flavours", "ci.deck.yaml");
    await writeFile(deck, statesDeck(await readFile(deck, "utf8")));
    for (const [name, text] of Object.entries(DEBSSH_FILES))
      await writeFile(join(dir, "flavours", name), text);
    const build = (append: string, out: string) => benchBuild(deck, join(dir, out), "--append", append);
    // the vm test's medium (states.test.ts): cached when that test ran; no switcher drawing meanwhile
    const withStates = await build("livedeck.test=states livedeck.guest-timeout=1800", "on");

    console.log("prime stage (CI deck; seconds of this run, or of the build that cached it)");
    printPrimes(withStates.steps, GUESTS);
    const { on } = await restoreVsCold(withStates.outputs[0]!.path, intel, GUESTS);
    console.log(row("  of which dom0 ready, with states", on.dom0));

    // zstd levels on the states themselves (decompressed from the medium).
    const states = join(dir, "states");
    const iso = withStates.outputs[0]!.path;
    await mkdir(states, { recursive: true });
    console.log("\nzstd on a saved state: level, MiB, compress s (host, -T0), decompress s");
    for (const g of ["micro1", "deb"]) {
      const zst = join(states, `${g}.zst`);
      await execa("xorriso", [
        "-osirrox",
        "on",
        "-indev",
        iso,
        "-extract",
        `/livedeck/states/GenuineIntel/${g}.zst`,
        zst,
      ]);
      const raw = join(states, `${g}.raw`);
      await execa("zstd", ["-d", "-q", "-f", "--long=27", "-o", raw, zst]);
      console.log(`${g}: raw ${((await stat(raw)).size / MiB).toFixed(1)} MiB`);
      for (const [level, long] of [
        [1, false],
        [3, false],
        [9, false],
        [19, false],
        [19, true],
      ] as const) {
        const out = join(states, `${g}-${level}${long ? "l" : ""}.zst`);
        const c = await secs(stateZstdArgv(level, long, raw, out)); // the prime stage's own argv
        const d = await secs(["zstd", "-d", "-q", "-f", "--long=27", "-o", "/dev/null", out]);
        const mib = (await stat(out)).size / MiB;
        console.log(
          `  -${level}${long ? " --long=27" : ""}`.padEnd(16) +
            `${mib.toFixed(1).padStart(7)} MiB ${c.toFixed(2).padStart(7)} s ${d.toFixed(2).padStart(6)} s`,
        );
      }
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
