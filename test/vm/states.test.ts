import { describe, expect, it } from "vitest";
import { readFile, rm } from "node:fs/promises";
import { dirname } from "node:path";
import { CPU_VENDORS, DEFAULT_STATE_CPUS } from "../../src/formats/state-meta.ts";
import { hostCpuVendor } from "../../src/qemu/medium-states.ts";
import { startBoot } from "../../src/qemu/session.ts";
import { ciIso } from "../helpers/ci-media.ts";
import { livedeck } from "../helpers/cli.ts";
import { isoWithCorruptFile } from "../helpers/states-iso.ts";

/**
 * Saved states on the CI deck's medium, primed at build time on both vendors' baseline models (the
 * CI deck itself primes none, statesDeck adds them): one busybox guest and one Debian guest with
 * sshd. A plain `livedeck boot` (the CLI, no --cpu: it picks the model of the host vendor's set)
 * restores every autostart guest, and dom0's test hook (test-states) restores each a second time from
 * the same state and compares the first /dev/urandom bytes and the SSH host key after each restore,
 * and checks each clock against dom0's. A copy of the medium with micro1's state of the other vendor
 * corrupted, booted on that vendor's model, cold-boots micro1 saying why and restores deb from that
 * set (livedeck.test=states-start: no second restores).
 */
const MINUTE = 60_000;
const GUESTS = ["micro1", "deb"]; // the autostart guests of statesDeck, in deck order
// Cold boots (the corrupted state's guest) take minutes under emulation on a busy host.
const TEST_APPEND = "livedeck.test=states livedeck.guest-timeout=1800";
const model = (vendor: string) => DEFAULT_STATE_CPUS.find((c) => c.vendor === vendor)!.model;

/** The medium with states (ci-media.ts), built once per run: its two prime boots are the expensive part. */
const statesIso = () => ciIso("states");

async function bootStates(
  medium: string,
  cpu: string,
  expected: Record<string, "restored" | "cold">,
  append?: string,
) {
  const t0 = Date.now();
  const s = await startBoot({ iso: medium, cpu, append });
  console.log(`${cpu}: boot logs in ${s.logs.console}`);
  try {
    const dom0 = await s.expect("LIVEDECK-DOM0-READY", 6 * MINUTE);
    // in the order they come: restores go first, whatever the deck order (guests-up)
    const left = new Set(GUESTS);
    while (left.size) {
      const ready = await s.expect(
        new RegExp(`^LIVEDECK-GUEST-READY (${[...left].join("|")}) `),
        30 * MINUTE,
      );
      const g = ready.text.split(" ")[1]!;
      left.delete(g);
      expect(ready.text).toMatch(new RegExp(`^LIVEDECK-GUEST-READY ${g} ${expected[g]} \\d+\\.\\d$`));
      console.log(`${cpu}: ${ready.text} (${(ready.seconds - dom0.seconds).toFixed(1)} s after dom0 ready)`);
    }
    const verdict = await s.expect(/^LIVEDECK-TEST /, 20 * MINUTE);
    console.log(`${cpu}: ${verdict.text} (${verdict.seconds.toFixed(0)} s after QEMU start)`);
    return { verdict: verdict.text, console: (await readFile(s.logs.console, "utf8")).replaceAll("\r", "") };
  } finally {
    await s.stop();
    // the copy with `append` (src/qemu/append.ts); the logs stay
    if (append) await rm(`${dirname(s.logs.console)}/medium.iso`, { force: true });
    console.log(`${cpu}: boot took ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  }
}

/** The vendor `livedeck boot` picks on this host (state-cpu.ts: the host's own set first). */
const hostVendor = async () => ((await hostCpuVendor()) === CPU_VENDORS.intel ? "intel" : "amd");
const other = (v: "intel" | "amd") => (v === "intel" ? "amd" : "intel");

describe("saved states on the CI deck's medium", () => {
  it(
    "a plain `livedeck boot` (no --cpu) picks a model a state set was primed on: every guest is restored, and two restores of one state differ in urandom, SSH host key, clock",
    async () => {
      const iso = await statesIso();
      const vendor = await hostVendor();
      const t0 = Date.now();
      // prettier-ignore
      const r = await livedeck([
        "boot", iso, "--json", "--retry-stall", "--timeout", "1800", "--append", TEST_APPEND,
        "--expect", "/^LIVEDECK-TEST /", // the guests' READY markers are recorded as they come
      ]);
      console.log(
        `livedeck boot: ${((Date.now() - t0) / 1000).toFixed(0)} s; ${String(r.stderr).split("\n")[0]}`,
      );
      expect(r.exitCode, String(r.stderr)).toBe(0);
      const out = JSON.parse(String(r.stdout)) as {
        cpu: { cpu: string; source: string; vendorId: string; why: string };
        markers: { text: string }[];
        logs: { console: string };
      };
      expect(out.cpu).toMatchObject({ cpu: model(vendor), source: "medium", vendorId: CPU_VENDORS[vendor] });
      expect(String(r.stderr)).toContain(
        `cpu ${model(vendor)}: the medium's ${CPU_VENDORS[vendor]} states were primed on it`,
      );
      const texts = out.markers.map((m) => m.text);
      const log = (await readFile(out.logs.console, "utf8")).replaceAll("\r", "");
      // the whole timeline in the message: a cold guest's LIVEDECK-GUEST-COLD says why, and what
      // dom0 said of each guest's start
      const timeline = [
        ...texts.filter((t) => /^LIVEDECK-GUEST-(READY|COLD|FAILED) /.test(t)),
        ...log.split("\n").filter((l) => /^livedeck: (guest )?(micro1|deb)\b/.test(l)),
      ].join("\n");
      for (const g of GUESTS)
        expect(
          texts.find((t) => t.startsWith(`LIVEDECK-GUEST-READY ${g} `)),
          timeline,
        ).toMatch(new RegExp(`^LIVEDECK-GUEST-READY ${g} restored \\d+\\.\\d$`));
      expect(texts.at(-1)).toBe(
        "LIVEDECK-TEST PASS states: micro1=restored deb=restored fresh: micro1 urandom deb urandom+ssh",
      );
      expect(log).toMatch(/livedeck: micro1: clock \d+ s past dom0's at the restore/);
      expect(log).toMatch(/livedeck: deb: clock \d+ s past dom0's at the restore/);
      expect(log).not.toContain("cold boot:");
      expect(texts.some((t) => t.startsWith("LIVEDECK-GUEST-COLD"))).toBe(false);
    },
    90 * MINUTE,
  );

  it(
    "on the other vendor's model a medium with one corrupted state cold-boots that guest, saying why, and restores the other",
    async () => {
      const v = other(await hostVendor());
      const set = `/livedeck/states/${CPU_VENDORS[v]}`;
      const corrupt = await isoWithCorruptFile(await statesIso(), `${set}/micro1.zst`);
      const { verdict, console: log } = await bootStates(
        corrupt,
        model(v),
        { micro1: "cold", deb: "restored" },
        `${TEST_APPEND} livedeck.test=states-start`,
      ).finally(() => rm(dirname(corrupt), { recursive: true, force: true }));
      expect(verdict).toBe("LIVEDECK-TEST PASS states: micro1=cold deb=restored clock: deb");
      expect(log).toMatch(/livedeck: deb: clock \d+ s past dom0's at the restore/);
      // found by zstd's frame checksum while restoring (paused: the corrupt guest never ran)
      expect(log).toContain(
        `livedeck: micro1: cold boot: state file /run/medium${set}/micro1.zst is corrupt (zstd: `,
      );
    },
    90 * MINUTE,
  );
});
