import { describe, expect, it } from "vitest";
import { startToDom0 } from "../../src/qemu/stall.ts";
import { BOOT_PARAMS_ZONE, ciIso } from "../helpers/ci-media.ts";
import { consoleShell } from "../helpers/console-shell.ts";

/**
 * Boot parameters on a real boot of the CI deck: some as the deck's defaults (boot.params, the
 * bootParams medium of ci-media.ts), some added at boot (`boot --append`: after the deck's, in
 * every dom0 kernel line, as `build --append` puts them), all checked from dom0's shell on the
 * serial console.
 */
const MINUTE = 60_000;
// `openssl passwd -6 -salt livedecksalt demo`
const PASSWORD = "demo";
const HASH =
  "$6$livedecksalt$20oho9r63jK9bxM4APNpbGBIoMoqQxZrRnZMdXmcODSaptXrOM7kEJsUdL5IsEQFqQ2Hs49vTHo2EsIqjOu6R1";
const ZONE = BOOT_PARAMS_ZONE;
// The CI deck's Debian guest has an SSH server (DEBSSH) that livedeck.nossh must keep from starting.

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("boot parameters", () => {
  it(
    "livedeck.guests, timezone, nossh, rootpw and aptupdate apply in dom0 and the guests",
    async () => {
      const iso = await ciIso("bootParams"); // its deck's params: the time zone ZONE, livedeck.nossh
      const lines: string[] = [];
      let raw = "";
      const { session: s } = await startToDom0(
        {
          iso,
          // guest-timeout: under a loaded TCG host a Debian guest can take minutes
          append: `livedeck.noswitcher livedeck.guests=micro1,deb livedeck.rootpw=${HASH} livedeck.aptupdate livedeck.guest-timeout=1200`,
          onLine: (source, text) => source === "console" && lines.push(text),
          onConsoleData: (chunk) => (raw += chunk.toString("latin1")),
        },
        4 * MINUTE,
      );
      try {
        await s.expect("LIVEDECK-GUEST-READY micro1", 10 * MINUTE);
        await s.expect("LIVEDECK-GUEST-READY deb", 20 * MINUTE);
        const sh = await consoleShell(s, lines);

        // only the guests asked for were started
        const started = await sh(
          "until [ -e /run/livedeck/autostart-done ]; do sleep 1; done; echo LDG $(xl list | awk 'NR > 1 { print $1 }' | sort | tr '\\n' ' ')",
        );
        expect(started).toContain("LDG Domain-0 deb micro1"); // the harness trims trailing blanks
        expect(s.expecter.markers.map((m) => m.text).filter((t) => t.includes("micro2"))).toEqual([]);

        // the time zone: dom0, a busybox guest, a Debian guest
        expect(await sh("date '+LDZ %Z %z'")).toContain("LDZ IST +0530");
        for (const g of ["micro1", "deb"]) {
          expect(await sh(`guest-shell ${g} 120 'date "+LDZ-${g} %Z %z"'`)).toContain(`LDZ-${g} IST +0530`);
        }

        // no SSH server: the Debian guest has one and did not start it; dom0 runs none
        const ssh = await sh(
          "guest-shell deb 120 'echo LDS-deb $(cat /proc/[0-9]*/comm | grep -c sshd) $(ls /usr/sbin/sshd)'",
        );
        expect(ssh).toContain("LDS-deb 0 /usr/sbin/sshd");
        expect(
          await sh(
            "echo LDN $(grep -c 'ssh not started (livedeck.nossh)' /var/log/xen/console/guest-deb.log) $(cat /proc/[0-9]*/comm | grep -c sshd)",
          ),
        ).toContain("LDN 1 0");

        // aptupdate: the Debian guest refreshed its package lists from dom0's pool before it was ready
        expect(
          await sh(
            'echo LDA $(grep -c "apt-get update (dom0\'s package pool): ok" /var/log/xen/console/guest-deb.log)',
          ),
        ).toContain("LDA 1");

        // root's password: the hash is in the guests' shadow, and a real login in dom0 takes it
        for (const g of ["micro1", "deb"]) {
          expect(
            await sh(
              `guest-shell ${g} 120 'echo LDP-${g} $(grep -c "^root:.6.livedecksalt.20oho9r63" /etc/shadow)'`,
            ),
          ).toContain(`LDP-${g} 1`);
        }
        const prompt = async (what: string, from: number) => {
          for (let i = 0; i < 60 && !raw.slice(from).includes(what); i++) await sleep(1000);
          expect(raw.slice(from)).toContain(what);
        };
        let from = raw.length;
        s.send("login root\r");
        await prompt("Password:", from);
        from = raw.length;
        s.send("not-the-password\r");
        await s.expect(/Login incorrect/, 2 * MINUTE);
        await prompt("login:", from);
        from = raw.length;
        s.send("root\r");
        await prompt("Password:", from);
        s.send(`${PASSWORD}\r`);
        await sleep(5000);
        s.send("echo LDL-$((6*7)) $(id -un)\r");
        const login = await s.expect(/^LDL-42 /, 2 * MINUTE);
        expect(login.text).toBe("LDL-42 root");
      } finally {
        await s.stop();
      }
    },
    55 * MINUTE,
  );
});
