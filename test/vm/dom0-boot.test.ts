import { describe, expect, it } from "vitest";
import { bootMedium } from "../../src/qemu/boot.ts";
import { startToDom0 } from "../../src/qemu/stall.ts";
import { ciIso } from "../helpers/ci-media.ts";

// The CI deck's real ISO: Xen + the RAM-resident dom0 built by the pipeline, booted under TCG.
const MINUTE = 60_000;

describe("the CI deck's ISO boots Xen with a RAM-resident dom0", () => {
  let iso: string;

  it(
    "builds",
    async () => {
      iso = await ciIso();
    },
    40 * MINUTE,
  );

  // BIOS CD: the test-hook boot below (it reaches DOM0-READY before the hook runs).
  it.each([
    ["UEFI (OVMF), CD", true, false],
    ["BIOS, USB stick", false, true],
  ])(
    "%s: reaches LIVEDECK-DOM0-READY",
    async (_how, uefi, usb) => {
      const r = await bootMedium({ iso, uefi, usb, timeoutMs: 4 * MINUTE, retryStall: true });
      expect(r.ok).toBe(true);
      const labels = r.timeline.map((t) => t.label).join(" ");
      expect(labels).toMatch(/dom0 ready|DOM0-READY/i);
    },
    10 * MINUTE,
  );

  it(
    "BIOS, CD: reaches LIVEDECK-DOM0-READY, and the test hook runs `xl info` in dom0 and gives the verdict",
    async () => {
      const r = await bootMedium({
        iso,
        append: "livedeck.test=xlinfo",
        expect: ["LIVEDECK-DOM0-READY", /^LIVEDECK-TEST PASS xl-info 4\.17/],
        timeoutMs: 4 * MINUTE,
        retryStall: true,
      });
      expect(r.timeline.map((t) => t.label).join(" ")).toMatch(/dom0 ready|DOM0-READY/i);
      expect(r.markers.at(-1)?.text).toMatch(/^LIVEDECK-TEST PASS xl-info 4\.17\.\d+/);
    },
    10 * MINUTE,
  );

  it(
    "the rescue entry gives a shell on the serial console that answers commands",
    async () => {
      const { session: s } = await startToDom0({ iso, entry: "rescue" }, 4 * MINUTE);
      try {
        // The shell may still be starting: type until it answers.
        let answered = false;
        const typing = (async () => {
          while (!answered) {
            s.send("echo RESCUE-$((6*7)); xl info | grep -E '^(xen_version|host)'\r");
            await new Promise((r) => setTimeout(r, 3000));
          }
        })();
        try {
          await s.expect(/^RESCUE-42$/, 2 * MINUTE);
        } finally {
          answered = true;
          await typing;
        }
        const line = await s.expect(/^xen_version\s*:\s*4\.17/, MINUTE);
        expect(line.text).toMatch(/xen_version\s*:\s*4\.17\.\d+/);
      } finally {
        await s.stop();
      }
    },
    8 * MINUTE,
  );
});
