import { describe, expect, it } from "vitest";
import { readFile } from "node:fs/promises";
import { DEFAULT_STATE_CPUS } from "../../src/formats/state-meta.ts";
import { startBoot } from "../../src/qemu/session.ts";
import { buildCiIso } from "../helpers/ci-iso.ts";
import { isoWithCorruptFile } from "../helpers/states-iso.ts";

/**
 * Saved states on the CI deck's medium (one set per CPU vendor, primed at build time): booted on
 * each vendor's model every autostart guest is restored, and dom0's test hook (test-states)
 * restores the first one a second time from the same state and compares what it reads from
 * /dev/urandom after each restore. A copy of the medium with one state corrupted cold-boots that
 * guest and still restores the others.
 */
const MINUTE = 60_000;
const GUESTS = ["micro1", "micro2", "deb"]; // flavours/ci.deck.yaml, in deck order
// Cold boots (the corrupted state's guest) take minutes under emulation on a busy host.
const TEST_APPEND = "livedeck.test=states livedeck.guest-timeout=1800";
const model = (vendor: string) => DEFAULT_STATE_CPUS.find((c) => c.vendor === vendor)!.model;

async function bootStates(iso: string, cpu: string, expected: Record<string, "restored" | "cold">) {
  const s = await startBoot({ iso, cpu });
  try {
    const dom0 = await s.expect("LIVEDECK-DOM0-READY", 6 * MINUTE);
    for (const g of GUESTS) {
      const ready = await s.expect(`LIVEDECK-GUEST-READY ${g}`, 8 * MINUTE);
      expect(ready.text).toMatch(new RegExp(`^LIVEDECK-GUEST-READY ${g} ${expected[g]} \\d+\\.\\d$`));
      console.log(`${cpu}: ${ready.text} (${(ready.seconds - dom0.seconds).toFixed(1)} s after dom0 ready)`);
    }
    const verdict = await s.expect(/^LIVEDECK-TEST /, 8 * MINUTE);
    console.log(verdict.text);
    return { verdict: verdict.text, console: (await readFile(s.logs.console, "utf8")).replaceAll("\r", "") };
  } finally {
    await s.stop();
  }
}

describe("saved states on the CI deck's medium", () => {
  it(
    "on the Intel model every guest is restored, and two restores of one state read different random bytes",
    async () => {
      const iso = await buildCiIso({ append: TEST_APPEND });
      const { verdict } = await bootStates(iso, model("intel"), {
        micro1: "restored",
        micro2: "restored",
        deb: "restored",
      });
      expect(verdict).toMatch(
        /^LIVEDECK-TEST PASS states: micro1=restored micro2=restored deb=restored fresh: micro1 urandom differs after two restores of one state, no sshd$/,
      );
    },
    60 * MINUTE,
  );

  it(
    "on the AMD model every guest is restored from the AMD set",
    async () => {
      // The CI deck primes Intel only (one prime boot per test run); this test adds the AMD model.
      const iso = await buildCiIso({
        append: TEST_APPEND,
        edit: (d) =>
          d.replace(
            "cpus: [{ vendor: intel, model: Nehalem }]",
            `cpus: [{ vendor: intel, model: Nehalem }, { vendor: amd, model: ${model("amd")} }]`,
          ),
      });
      const { verdict, console: log } = await bootStates(iso, model("amd"), {
        micro1: "restored",
        micro2: "restored",
        deb: "restored",
      });
      expect(verdict).toMatch(
        /^LIVEDECK-TEST PASS states: micro1=restored micro2=restored deb=restored fresh: /,
      );
      expect(log).not.toContain("cold boot:");
    },
    60 * MINUTE,
  );

  it(
    "a medium with one corrupted state cold-boots that guest, saying why, and restores the others",
    async () => {
      const iso = await buildCiIso({ append: TEST_APPEND });
      const corrupt = await isoWithCorruptFile(iso, "/livedeck/states/GenuineIntel/micro2.zst");
      const { verdict, console: log } = await bootStates(corrupt, model("intel"), {
        micro1: "restored",
        micro2: "cold",
        deb: "restored",
      });
      expect(verdict).toMatch(/^LIVEDECK-TEST PASS states: micro1=restored micro2=cold deb=restored fresh: /);
      expect(log).toContain(
        "livedeck: micro2: cold boot: state file /run/medium/livedeck/states/GenuineIntel/micro2.zst is corrupt (sha256 mismatch)",
      );
    },
    60 * MINUTE,
  );
});
