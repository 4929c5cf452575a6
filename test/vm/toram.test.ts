import { describe, expect, it } from "vitest";
import { Qmp } from "../../src/qemu/qmp.ts";
import { startBoot } from "../../src/qemu/session.ts";
import { ciIso } from "../helpers/ci-media.ts";
import { consoleShell } from "../helpers/console-shell.ts";

/**
 * livedeck.toram: dom0 copies the guests' files into RAM; the CD is then taken out of the drive
 * (QMP eject) and the guests still boot: the Debian one reads its layers and refreshes its package
 * lists from dom0's pool (livedeck.aptupdate), both served from the copy.
 */
const MINUTE = 60_000;

describe("livedeck.toram", () => {
  it(
    "copies the guests' files into RAM; with the CD ejected the Debian guest starts and uses the pool (and livedeck.net=dhcp gives dom0 a lease)",
    async () => {
      // the parameters come by `livedeck boot --append`'s way: a copy of the medium with a new grub.cfg
      const iso = await ciIso();
      const lines: string[] = [];
      const s = await startBoot({
        iso,
        qmp: true,
        append:
          "livedeck.noswitcher livedeck.toram livedeck.net=dhcp livedeck.guests=deb livedeck.aptupdate livedeck.guest-timeout=1200",
        onLine: (source, text) => source === "console" && lines.push(text),
      });
      try {
        const copied = await s.expect(
          /^livedeck: toram: copied \d+ MiB .* the medium can be removed$/,
          6 * MINUTE,
        );
        console.log(copied.text);
        const qmp = await Qmp.connect(s.qmpSocket!);
        try {
          await qmp.eject("medium");
          const blocks = (await qmp.execute("query-block")) as {
            device: string;
            inserted?: unknown;
            tray_open?: boolean;
          }[];
          const cd = blocks.find((b) => b.device === "medium");
          expect(cd?.inserted).toBeUndefined();
          expect(cd?.tray_open).toBe(true);
        } finally {
          qmp.close();
        }
        await s.expect("LIVEDECK-DOM0-READY", 3 * MINUTE);
        await s.expect("LIVEDECK-GUEST-READY deb", 20 * MINUTE);
        const sh = await consoleShell(s, lines);
        // the medium's path is the RAM copy, the drive has no disc to read, deb's apt used the pool in RAM
        expect(
          await sh(
            "echo LDM $(awk '$2 == \"/run/medium\" { print $3 }' /proc/mounts) $(dd if=/dev/sr0 of=/dev/null bs=2048 count=1 2>/dev/null && echo readable || echo unreadable)",
          ),
        ).toContain("LDM tmpfs unreadable");
        expect(
          await sh(
            'echo LDA $(grep -c "apt-get update (dom0\'s package pool): ok" /var/log/xen/console/guest-deb.log)',
          ),
        ).toContain("LDA 1");
        // livedeck.net=dhcp: dom0's NIC got the lease of QEMU's user-mode network (restrict=on: an
        // address, but no router and no DNS server); net-up runs beside the rest, so wait for it
        // (it may land after a shell prompt: net-up prints whenever its lease comes)
        const net = /livedeck: outside network: /;
        for (let i = 0; i < 120 && !lines.some((l) => net.test(l)); i++)
          await new Promise((r) => setTimeout(r, 1000));
        expect(lines.find((l) => net.test(l))).toMatch(
          /livedeck: outside network: dhcp on \S+: 10\.0\.2\.15\/24, no default route, no DNS server$/,
        );
      } finally {
        await s.stop();
      }
    },
    55 * MINUTE,
  );
});
