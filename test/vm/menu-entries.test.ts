import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { startBoot } from "../../src/qemu/session.ts";
import { startToDom0 } from "../../src/qemu/stall.ts";
import { ciIso } from "../helpers/ci-media.ts";

/**
 * The menu entries other than the default, each booted as a person picks it (`entry`: the copy of
 * the medium boots it when the menu's timeout ends): verbose and serial reach dom0 with the Xen and
 * kernel command lines their entries promise, memtest86+ runs and draws on the serial line. No
 * guests start (boot-time livedeck.guests=none): the entries are what is under test.
 */
const MINUTE = 60_000;
const NO_GUESTS = "livedeck.guests=none livedeck.noswitcher";

async function bootEntry(entry: string) {
  const iso = await ciIso();
  const { session: s, dom0 } = await startToDom0({ iso, entry, append: NO_GUESTS }, 4 * MINUTE);
  try {
    return { dom0: dom0.seconds, console: (await readFile(s.logs.console, "utf8")).replaceAll("\r", "") };
  } finally {
    await s.stop();
  }
}

describe("the menu's other entries boot what they say", () => {
  it(
    "verbose: Xen logs everything (loglvl=all), the dom0 kernel is not quiet and its messages reach the console",
    async () => {
      const r = await bootEntry("verbose");
      expect(r.console).toMatch(/^\(XEN\) Command line: .*loglvl=all guest_loglvl=all/m);
      expect(r.console).not.toMatch(/^\(XEN\) Command line: .*vga=gfx/m);
      // the kernel's own banner (KERN_NOTICE) is hidden under `quiet`: seen only in the verbose entry
      expect(r.console).toMatch(/Linux version \d+\.\d+/);
      expect(r.console).toMatch(/Kernel command line: .* livedeck\.verbose/);
      console.log(`verbose: dom0 ready ${r.dom0.toFixed(1)} s`);
    },
    12 * MINUTE,
  );

  it(
    "serial: Xen's console is com1 alone (no VGA), and dom0 comes up",
    async () => {
      const r = await bootEntry("serial");
      expect(r.console).toMatch(/^\(XEN\) Command line: .*console=com1 com1=115200,8n1/m);
      expect(r.console).not.toMatch(/^\(XEN\) Command line: .*console=com1,vga/m);
      expect(r.console).toMatch(/livedeck\.serial/);
      console.log(`serial: dom0 ready ${r.dom0.toFixed(1)} s`);
    },
    12 * MINUTE,
  );

  it(
    "memtest: memtest86+ starts, draws its screen on the serial line and is testing",
    async () => {
      const iso = await ciIso();
      // memtest86+ paints the serial line with cursor moves, no newlines: watch the raw bytes
      let raw = "";
      let seen: () => void = () => {};
      const testing = new Promise<void>((r) => (seen = r));
      const t0 = Date.now();
      const s = await startBoot({
        iso,
        entry: "memtest",
        net: false,
        onConsoleData: (c) => {
          raw += c.toString("latin1");
          if (/Memtest86\+ v\d/.test(raw) && /Status: Testing/.test(raw)) seen();
        },
      });
      try {
        const timeout = new Promise<"timeout">((r) => setTimeout(() => r("timeout"), 3 * MINUTE));
        const got = await Promise.race([testing, timeout]);
        expect(got, `memtest86+ not seen testing; the serial line showed:\n${raw.slice(-1500)}`).not.toBe(
          "timeout",
        );
        console.log(`memtest: testing after ${((Date.now() - t0) / 1000).toFixed(1)} s`);
      } finally {
        await s.stop();
      }
    },
    6 * MINUTE,
  );
});
