import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startToDom0 } from "../../src/qemu/stall.ts";
import { ciIso } from "../helpers/ci-media.ts";
import { consoleShell } from "../helpers/console-shell.ts";

/**
 * The outside network and the console, on one boot of the CI deck: livedeck.net=static gives
 * dom0's NIC its address and route, and a busybox guest reaches a server beyond dom0 through its
 * masquerade; livedeck.verbose relays the guest's console to dom0's; livedeck.keymap loads a
 * keymap into the virtual terminals. The "outside" server is a host command behind QEMU's
 * user-mode network (guestfwd), so nothing leaves the host.
 */
const MINUTE = 60_000;
const OUTSIDE = "10.0.2.100";
const TOKEN = `outside-${process.pid}-${Date.now()}`;

let dir = "";
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "livedeck-outside-"));
  const body = `${TOKEN}\n`;
  await writeFile(
    join(dir, "response.http"),
    `HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`,
  );
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe("outside network, verbose console and keymap", () => {
  it(
    "livedeck.net=static routes dom0 and (masqueraded) the guests outside; verbose relays guest consoles; keymap=de loads",
    async () => {
      const iso = await ciIso();
      const lines: string[] = [];
      const { session: s } = await startToDom0(
        {
          iso,
          append:
            "livedeck.noswitcher livedeck.guests=micro1 livedeck.net=static:10.0.2.20/24,10.0.2.2,10.0.2.3 livedeck.verbose livedeck.keymap=de",
          // read the request's first line before answering, so the reply never races the request
          guestfwd: [
            {
              ip: OUTSIDE,
              port: 80,
              command: `/bin/sh -c 'read -r line; cat ${join(dir, "response.http")}'`,
            },
          ],
          onLine: (source, text) => source === "console" && lines.push(text),
        },
        4 * MINUTE,
      );
      try {
        await s.expect("LIVEDECK-GUEST-READY micro1", 10 * MINUTE);
        const sh = await consoleShell(s, lines);
        // net-up runs beside the rest: wait for its last word
        const nat =
          /livedeck: outside network: guests reach the outside network through (\S+) \(masquerade\)$/;
        for (let i = 0; i < 120 && !lines.some((l) => nat.test(l)); i++)
          await new Promise((r) => setTimeout(r, 1000));
        expect(lines.find((l) => /livedeck: outside network: static on /.test(l))).toMatch(
          /outside network: static on \S+: 10\.0\.2\.20\/24, default route via 10\.0\.2\.2, DNS 10\.0\.2\.3$/,
        );
        expect(lines.some((l) => nat.test(l))).toBe(true);

        // dom0 itself, then the guest, whose packets leave with dom0's address
        // (no -T: Debian's busybox 1.35 wget crashes with a timeout option)
        expect(await sh(`echo LDO $(busybox wget -q -O - http://${OUTSIDE}/)`)).toContain(`LDO ${TOKEN}`);
        expect(await sh(`guest-shell micro1 120 'echo LDG $(wget -q -O - http://${OUTSIDE}/)'`)).toContain(
          `LDG ${TOKEN}`,
        );
        expect(await sh("echo LDR $(cat /run/livedeck/outside-resolv.conf)")).toContain(
          "LDR nameserver 10.0.2.3",
        );

        // livedeck.verbose: the guest's own console lines, relayed with its name
        expect(lines.some((l) => l.startsWith("micro1| "))).toBe(true);

        // livedeck.keymap=de: German keyboards swap Y and Z (keycode 21 is Y on a US keyboard)
        expect(await sh("echo LDK $(dumpkeys -C /dev/tty1 | grep -m 1 '^keycode  21 =')")).toContainEqual(
          expect.stringMatching(/^LDK keycode 21 = \+?z\b/),
        );
        expect(lines).toContain("livedeck: keymap de");
      } finally {
        await s.stop();
      }
    },
    30 * MINUTE,
  );
});
