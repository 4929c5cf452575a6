import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { Qmp } from "../../src/qemu/qmp.ts";
import { startBoot } from "../../src/qemu/session.ts";
import { buildCiIso } from "../helpers/ci-iso.ts";

/**
 * livedeck.toram: dom0 copies the guests' files into RAM; the CD is then taken out of the drive
 * (QMP eject) and every guest still boots, the Debian one reading its layers and dom0's package
 * pool from the copy (dom0's test hook `guests` runs apt in it).
 */
const MINUTE = 60_000;

describe("livedeck.toram", () => {
  it(
    "copies the guests' files into RAM; with the CD ejected the guests start and pass the guests checks (and livedeck.net=dhcp gives dom0 a lease)",
    async () => {
      // the parameters come from `livedeck boot --append`'s way: a copy of the medium with a new grub.cfg
      const iso = await buildCiIso();
      const s = await startBoot({ iso, qmp: true, append: "livedeck.toram livedeck.net=dhcp livedeck.test=guests" });
      try {
        const copied = await s.expect(/^livedeck: toram: copied \d+ MiB .* the medium can be removed$/, 5 * MINUTE);
        console.log(copied.text);
        const qmp = await Qmp.connect(s.qmpSocket!);
        try {
          await qmp.eject("medium");
          const blocks = (await qmp.execute("query-block")) as { device: string; inserted?: unknown; tray_open?: boolean }[];
          const cd = blocks.find((b) => b.device === "medium");
          expect(cd?.inserted).toBeUndefined();
          expect(cd?.tray_open).toBe(true);
        } finally {
          qmp.close();
        }
        await s.expect("LIVEDECK-DOM0-READY", 2 * MINUTE);
        for (const g of ["micro1", "micro2", "deb"]) await s.expect(`LIVEDECK-GUEST-READY ${g}`, 6 * MINUTE);
        const verdict = await s.expect(/^LIVEDECK-TEST /, 6 * MINUTE);
        expect(verdict.text).toMatch(/^LIVEDECK-TEST PASS guests: .*apt-get update and download from dom0's pool in deb/);
      } finally {
        await s.stop();
      }
      // livedeck.net=dhcp: dom0's NIC got the lease of QEMU's user-mode network (restrict=on: an
      // address, but no router and no DNS server)
      const consoleLog = (await readFile(s.logs.console, "utf8")).replaceAll("\r", "");
      expect(consoleLog).toMatch(
        /^livedeck: outside network: dhcp on \S+: 10\.0\.2\.15\/24, no default route, no DNS server$/m,
      );
    },
    40 * MINUTE,
  );
});
