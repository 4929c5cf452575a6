import { readFile, rm, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { startBoot } from "../src/qemu/session.ts";
import { requireTools } from "../src/tools/doctor.ts";
import { withGuests } from "../test/helpers/deck-edit.ts";
import { INTEL_CPU, primedDesktopDeck } from "../test/helpers/desktop-deck.ts";
import { consoleShell } from "../test/helpers/console-shell.ts";
import { freePort } from "../test/helpers/free-port.ts";
import { rfbConnect, type Update } from "../test/helpers/rfb.ts";
import { BENCH_STORE, benchBuild, ciDeckCopy, timed } from "./run.ts";
import { printPrimes, restoreVsCold } from "./states.ts";

const MINUTE = 60_000;
const PASSWORD = "bench42x";
const SAMPLES = 10;
const XK_x = 0x78;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const mib = (b: number) => `${(b / 2 ** 20).toFixed(1)} MiB`;

interface Figures {
  flavour: string;
  layer: number;
  ready: number;
  /** restore vs cold boot to the desktop on one medium with desk1's saved state, on the Intel baseline */
  restored: number;
  coldSameMedium: number;
  stateBytes: number;
  usedMiB: number;
  totalMiB: number;
  xlMiB: number;
  latency: number[];
}

/**
 * Issue 11's desktop figures, one CI-deck boot per desktop flavour (default `desktop`; `npm run
 * bench -- desktop FLAVOUR…` compares several side by side): the flavour's layer size and the base's,
 * cold boot to the desktop (`xl create` to the window manager managing the screen, the guest's
 * READY), RAM (used in the guest at idle by `free`, and `xl list`'s), and the frame update latency
 * a VNC viewer sees: from a key sent to the guest's xterm to the FramebufferUpdate with its echo.
 * Then restore to the desktop vs cold boot to it (states.ts restoreVsCold: one medium whose only
 * autostart guest is desk1, primed on the Intel baseline, booted with its state and with
 * livedeck.states=off; READY after `xl restore` means post-restore ran, the VNC password renewed)
 * and the desktop state's bytes on the medium.
 */
export async function benchDesktop(): Promise<void> {
  await requireTools(["openssl", "qemu-system-x86_64"], "bench desktop");
  const flavours = process.argv.slice(3).length ? process.argv.slice(3) : ["desktop"];
  const { dir, deck } = await ciDeckCopy("desktop");
  const text = await readFile(deck, "utf8");
  const results: Figures[] = [];
  let base = 0;
  try {
    for (const flavour of flavours) {
      await writeFile(deck, withGuests(text, `  - name: desk1\n    flavour: ${flavour}\n`));
      const append = `livedeck.noswitcher livedeck.guests=desk1 livedeck.vncpw=${PASSWORD} livedeck.net=dhcp livedeck.guest-timeout=900`;
      const out = join(dir, `out-${flavour}`);
      const build = await benchBuild(deck, out, "--append", append);
      const plan = (await timed(["plan", deck, "--store", BENCH_STORE])).json as {
        steps: { key: string; id: string }[];
      };
      const layerSize = async (key: string) =>
        (
          await stat(
            join(BENCH_STORE, "objects", plan.steps.find((s) => s.key === key)!.id, "out", "layer.squashfs"),
          )
        ).size;
      base = await layerSize("squashfs:guest-base");
      const layer = await layerSize(`squashfs:${flavour}`);
      const figures = await bootFigures(build.outputs[0]!.path, join(dir, `boot-${flavour}`));
      await rm(out, { recursive: true, force: true });

      // the vm test's deck (desktop.test.ts; desk2 does not start): the same prime, cached when it ran
      await writeFile(deck, primedDesktopDeck(text, ["desk1", "desk2"], flavour));
      const primedOut = join(dir, `out-${flavour}-primed`);
      const primed = await benchBuild(
        deck,
        primedOut,
        "--append",
        "livedeck.noswitcher livedeck.guest-timeout=900",
      );
      printPrimes(primed.steps, ["desk1"]);
      const { on, off } = await restoreVsCold(primed.outputs[0]!.path, INTEL_CPU.model, ["desk1"]);
      await rm(primedOut, { recursive: true, force: true });
      if (on.guests.desk1!.how !== "restored" || off.guests.desk1!.how !== "cold")
        throw new Error(
          `desk1 came up ${on.guests.desk1!.how} with states and ${off.guests.desk1!.how} without`,
        );
      const prime = primed.steps.find((st) => st.key.startsWith("prime:"))!;
      results.push({
        flavour,
        layer,
        ...figures,
        restored: on.guests.desk1!.seconds,
        coldSameMedium: off.guests.desk1!.seconds,
        stateBytes: Number(prime.report.desk1Bytes),
      });
      console.log(`${flavour}: ${JSON.stringify(results.at(-1))}`);
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  const cols = (f: (r: Figures) => string) => results.map((r) => f(r).padStart(16)).join("");
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  console.log(`desktop guests on the CI deck (QEMU TCG, one boot each); the shared base layer: ${mib(base)}`);
  console.log(`${"".padEnd(46)}${cols((r) => r.flavour)}`);
  console.log(`${"layer (squashfs)".padEnd(46)}${cols((r) => mib(r.layer))}`);
  console.log(`${"cold boot: xl create → desktop managed (s)".padEnd(46)}${cols((r) => r.ready.toFixed(1))}`);
  console.log(
    `${`restore → desktop, -cpu ${INTEL_CPU.model} (s)`.padEnd(46)}${cols((r) => r.restored.toFixed(1))}`,
  );
  console.log(
    `${"cold → desktop, same medium, states off (s)".padEnd(46)}${cols((r) => `${r.coldSameMedium.toFixed(1)} (${(r.coldSameMedium / r.restored).toFixed(1)}×)`)}`,
  );
  console.log(`${"desktop state on the medium (zstd -3)".padEnd(46)}${cols((r) => mib(r.stateBytes))}`);
  console.log(
    `${"RAM used in the guest at idle (meminfo)".padEnd(46)}${cols((r) => `${r.usedMiB}/${r.totalMiB} MiB`)}`,
  );
  console.log(`${"RAM, xl list".padEnd(46)}${cols((r) => `${r.xlMiB} MiB`)}`);
  console.log(
    `${`key → echo over VNC, median of ${SAMPLES} (ms)`.padEnd(46)}${cols((r) => median(r.latency).toFixed(0))}`,
  );
  console.log(
    `${"key → echo over VNC, min–max (ms)".padEnd(46)}${cols((r) => `${Math.min(...r.latency).toFixed(0)}–${Math.max(...r.latency).toFixed(0)}`)}`,
  );
  if (results.length > 1) {
    const [a, ...rest] = results;
    for (const r of rest)
      console.log(
        `${r.flavour} / ${a!.flavour}: layer ${(r.layer / a!.layer).toFixed(2)}×, boot ${(r.ready / a!.ready).toFixed(2)}×, RAM ${(r.usedMiB / a!.usedMiB).toFixed(2)}×`,
      );
  }
}

/** One boot of the CI deck with desk1: the guest's figures. */
async function bootFigures(
  iso: string,
  logDir: string,
): Promise<Omit<Figures, "flavour" | "layer" | "restored" | "coldSameMedium" | "stateBytes">> {
  const vnc = await freePort();
  const lines: string[] = [];
  const s = await startBoot({
    iso,
    logDir,
    hostfwd: [{ host: vnc, guest: 5900 }],
    onLine: (source, text) => source === "console" && lines.push(text),
  });
  try {
    await s.expect("LIVEDECK-DOM0-READY", 6 * MINUTE);
    const ready = await s.expect(/^LIVEDECK-GUEST-READY desk1 cold /, 15 * MINUTE);
    const cold = Number(ready.text.split(" ").pop());
    await s.expect(/^LIVEDECK-VNC-WEB desk1 /, 10 * MINUTE);
    const rfb = await retry(() => rfbConnect(vnc, PASSWORD), 3 * MINUTE);
    try {
      await rfb.nextUpdate(0, () => true, 2 * MINUTE);
      // Focus the xterm (Blackbox's and Xfce's windows take focus on a click), let the screen settle.
      rfb.click(200, 200);
      await quiet(rfb.updates, 1500, 20_000);
      const latency: number[] = [];
      for (let i = 0; i < SAMPLES; i++) {
        const t0 = performance.now();
        rfb.key(XK_x);
        const u = await rfb.nextUpdate(t0, echo, 30_000);
        latency.push(u.at - t0);
        await quiet(rfb.updates, 1000, 10_000);
      }
      // RAM at idle: the guest's own view and Xen's
      const sh = await consoleShell(s, lines);
      // (minbase has no procps: /proc/meminfo; used = MemTotal - MemAvailable)
      const mem = (
        await sh(
          `guest-shell desk1 120 'awk "/^MemTotal:/ { t = \\$2 } /^MemAvailable:/ { a = \\$2 } END { print \\"MEMKB\\", t, a }" /proc/meminfo'`,
        )
      ).find((l) => /^MEMKB \d+ \d+$/.test(l.trim()));
      const xl = (await sh("xl list desk1")).find((l) => /^desk1\s+\d+\s+\d+/.test(l.trim()));
      if (!mem || !xl) throw new Error(`no meminfo or xl list line:\n${lines.slice(-30).join("\n")}`);
      const [, totalKb, availKb] = mem.trim().split(" ").map(Number);
      const [total, used] = [Math.round(totalKb! / 1024), Math.round((totalKb! - availKb!) / 1024)];
      return {
        ready: cold,
        usedMiB: used!,
        totalMiB: total!,
        xlMiB: Number(xl.trim().split(/\s+/)[2]),
        latency,
      };
    } finally {
      rfb.close();
    }
  } finally {
    await s.stop();
  }
}

/** A character's echo: small rectangles below the top edge and above the bottom one, where the
 * panels' clocks tick (Xfce's at the top, Blackbox's toolbar at the bottom). */
const echo = (u: Update) =>
  u.rects.length > 0 &&
  u.rects.every((r) => r.y >= 50 && r.y + r.h < 700) &&
  u.rects.reduce((a, r) => a + r.w * r.h, 0) <= 64 * 64;

/** Waits until no update came for `ms`, at most `max` ms. */
async function quiet(updates: Update[], ms: number, max: number) {
  const end = performance.now() + max;
  while (performance.now() < end) {
    const last = updates.at(-1)?.at ?? 0;
    if (performance.now() - last >= ms) return;
    await sleep(100);
  }
}

async function retry<T>(f: () => Promise<T>, ms: number): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    try {
      return await f();
    } catch (e) {
      if (Date.now() > end) throw e;
      await sleep(3000);
    }
  }
}
