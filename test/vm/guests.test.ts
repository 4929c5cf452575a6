import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { BootFailed } from "../../src/qemu/errors.ts";
import { startToDom0 } from "../../src/qemu/stall.ts";
import { ciIso } from "../helpers/ci-media.ts";

/**
 * The CI deck's guests on the real medium: dom0 brings up its routed network, starts each
 * autostart guest, relays its readiness, and the guests talk to each other. The checks run inside
 * the VM (dom0's test hook types them on a guest's console shell, initrd-skel/dom0/usr/lib/livedeck/
 * test-guests) and come back as one verdict line.
 */
const MINUTE = 60_000;
const GUESTS = ["micro1", "micro2", "deb"]; // flavours/ci.deck.yaml, in deck order

describe("the CI deck's guests", () => {
  it(
    "each autostart guest is reported ready; micro1 reaches dom0 and micro2 by name, its page and a DHCP lease; deb uses dom0's pool",
    async () => {
      const { session: s, dom0 } = await startToDom0(
        { iso: await ciIso(), append: "livedeck.test=guests" },
        4 * MINUTE,
      );
      try {
        for (const g of GUESTS) {
          const ready = await s.expect(`LIVEDECK-GUEST-READY ${g}`, 5 * MINUTE);
          expect(ready.text).toMatch(new RegExp(`^LIVEDECK-GUEST-READY ${g} cold \\d+\\.\\d$`));
          console.log(
            `${g} ready ${(ready.seconds - dom0.seconds).toFixed(1)} s after dom0 ready (${ready.text})`,
          );
        }
        const verdict = await s.expect(/^LIVEDECK-TEST /, 5 * MINUTE);
        console.log(verdict.text);
        expect(verdict.text).toMatch(
          /^LIVEDECK-TEST PASS guests: micro1 pinged dom0 and micro2 by name, fetched micro2's page, got a DHCP lease, /,
        );
        expect(verdict.text).toContain("apt-get update and download from dom0's pool in deb");
        expect(verdict.text).toMatch(/RAM dom0=\d+MiB micro1=\d+MiB micro2=\d+MiB deb=\d+MiB$/);
      } finally {
        await s.stop();
      }
    },
    20 * MINUTE,
  );

  it(
    "bridged network: the guests reach dom0 and each other through the bridge dom0 puts their vifs on",
    async () => {
      const { session: s } = await startToDom0(
        { iso: await ciIso("bridged"), append: "livedeck.test=guests livedeck.guests=micro1,micro2" },
        4 * MINUTE,
      );
      try {
        const verdict = await s.expect(/^LIVEDECK-TEST /, 10 * MINUTE);
        console.log(verdict.text);
        expect(verdict.text).toMatch(
          /^LIVEDECK-TEST PASS guests: micro1 pinged dom0 and micro2 by name, fetched micro2's page, got a DHCP lease; /,
        );
        const network = (await readFile(s.logs.console, "utf8")).match(/guest network: [^\r\n]*/)?.[0];
        expect(network).toMatch(/^guest network: bridged, dom0 172\.20\.216\.1\/24 on /);
      } finally {
        await s.stop();
      }
    },
    15 * MINUTE,
  );

  it(
    "refuses a guest that would overcommit, reports one not ready in time with its console, and the verdict fails",
    async () => {
      // micro2 asks for more than Xen has beside dom0 (ci-media.ts: overcommit); micro1 gets 1 s to
      // be ready (the supervisor counts from before `xl create`, which alone takes longer under emulation).
      const { session: s } = await startToDom0(
        { iso: await ciIso("overcommit"), append: "livedeck.test=guests livedeck.guest-timeout=1" },
        4 * MINUTE,
      );
      try {
        const verdict = await s.expect(/^LIVEDECK-TEST /, 8 * MINUTE).then(
          () => null,
          (e: unknown) => e,
        );
        expect(verdict).toBeInstanceOf(BootFailed);
        expect((verdict as BootFailed).reason).toBe("test-failed");
        expect((verdict as BootFailed).message).toContain(
          "LIVEDECK-TEST FAIL guests: micro1 is failed: not ready after 1 s (timeout)",
        );
      } finally {
        await s.stop();
      }
      const failed = s.expecter.markers.filter((m) => m.marker.kind === "guest-failed").map((m) => m.text);
      expect(failed).toContain("LIVEDECK-GUEST-FAILED micro1 not ready after 1 s (timeout)");
      expect(failed.find((t) => t.startsWith("LIVEDECK-GUEST-FAILED micro2 "))).toMatch(
        /^LIVEDECK-GUEST-FAILED micro2 not enough memory: needs 4096 MiB \(\+8\), Xen has \d+ MiB free$/,
      );
      expect(s.expecter.markers.some((m) => m.marker.kind === "guest-ready")).toBe(false);
      // The console shows the failed guest's console tail after its FAILED line.
      const consoleLog = (await readFile(s.logs.console, "utf8")).replaceAll("\r", "");
      expect(consoleLog).toContain(
        "livedeck: micro1: last lines of its console (/var/log/xen/console/guest-micro1.log):",
      );
    },
    20 * MINUTE,
  );
});
