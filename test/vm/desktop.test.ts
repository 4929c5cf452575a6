import { execFile } from "node:child_process";
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { Qmp } from "../../src/qemu/qmp.ts";
import { startToDom0 } from "../../src/qemu/stall.ts";
import { requireTools } from "../../src/tools/doctor.ts";
import { ciIso } from "../helpers/ci-media.ts";
import { DESKS, INTEL_CPU } from "../helpers/desktop-deck.ts";
import { freePort } from "../helpers/free-port.ts";
import { rfbHello } from "../helpers/rfb.ts";
import {
  colourShare,
  dominantColour,
  parsePpm,
  pictureStats,
  type PictureStats,
  type Ppm,
} from "../helpers/ppm.ts";
import { SerialTerm } from "../helpers/serial-term.ts";
import { select, waitMarker } from "../helpers/switcher-keys.ts";
import { wsBridge } from "../helpers/ws-bridge.ts";
import { rowOf } from "../tools/switcher-tmux.ts";

/**
 * Two graphical guests at once on a real boot: the CI deck plus desk1 and desk2 of
 * flavours/desktop.yaml, started alone (livedeck.guests), with dom0's outside network on QEMU's
 * user-mode net. The medium holds a saved state of desk1 alone (primed on the Intel baseline, which
 * this boot runs on too): desk1 comes up restored — its desktop already logged in, its VNC password
 * this boot's, not the prime boot's (its post-restore hook) — and desk2, with no state, cold (the
 * fallback). Through loopback forwards to dom0's outside address: each VNC server's handshake
 * offers VNC authentication only, a snapshot of each (vncsnapshot, this boot's password) is a
 * desktop (the restored one at the first try), and through websockify (noVNC's transport) a wrong
 * password is refused where the right one gets the desktop. Then the switcher: each row says how its
 * guest came up and shows its VNC details, and `v` on desk1: QMP screendumps show the PC's screen
 * turn from the text console to the desktop, and Ctrl-Q (a key on the PC's keyboard) returns to the
 * switcher. Snapshots and screendumps stay in the boot's log directory (printed).
 */
const MINUTE = 60_000;
const PASSWORD = "livedk42";
const run = promisify(execFile);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** How each comes up: desk1 from the medium's state (primedDesktopDeck), desk2 cold (it has none). */
const HOW: Record<string, "restored" | "cold"> = { desk1: "restored", desk2: "cold" };

/** The desktop the switcher's `v` shows on the PC's screen: the restored one. */
const VIEWED = "desk1";

const BAR_ROWS = 16;

interface DesktopStats extends PictureStats {
  /** share of the top and bottom BAR_ROWS rows in the frame's most common colour (the background) */
  top: number;
  bottom: number;
}

/** A frame's figures; `tol` allows for JPEG (the snapshots) and 16-bit colour (directvnc's view). */
function desktopStats(p: Ppm, tol: number): DesktopStats {
  const background = dominantColour(p);
  return {
    ...pictureStats(p),
    top: colourShare(p, background, tol, 0, BAR_ROWS),
    bottom: colourShare(p, background, tol, p.height - BAR_ROWS),
  };
}

/**
 * A desktop, not a blank or single-colour frame and not a text console: many colours, none taking
 * almost all of it, little black, a background (the most common colour) over a good part of it,
 * and a bar (the panel, Blackbox's toolbar) drawn over it along the top or bottom edge.
 */
const looksLikeDesktop = (st: DesktopStats) =>
  st.colours >= 16 &&
  st.dominant < 0.95 &&
  st.dark < 0.5 &&
  st.dominant >= 0.3 &&
  Math.min(st.top, st.bottom) < 0.7;

/**
 * vncsnapshot of 127.0.0.1:port (JPEG, decoded to PPM) with the password file `passwd`. Hextile:
 * with Tight in its list vncsnapshot waits forever on TigerVNC's end-of-update rectangle (it says
 * "Zero size rect - ignoring"); hextile is cheap for the guest to encode and small on a desktop.
 */
async function snapshot(port: number, passwd: string, out: string) {
  const argv = ["-quiet", "-encodings", "hextile", "-passwd", passwd, `127.0.0.1::${port}`, `${out}.jpg`];
  await run("vncsnapshot", argv, { timeout: 60_000 });
  const { stdout } = await run("djpeg", ["-pnm", `${out}.jpg`], { encoding: "buffer", maxBuffer: 64 << 20 });
  await writeFile(`${out}.ppm`, stdout);
  const p = parsePpm(stdout);
  return { ...desktopStats(p, 24), width: p.width, height: p.height };
}

describe("graphical guests", () => {
  it(
    "two desktop guests at once, one restored already logged in and one cold, serve their desktops over VNC and noVNC with this boot's password only, and the switcher shows either full-screen",
    async () => {
      await requireTools(["tmux", "vncsnapshot", "vncpasswd", "djpeg"], "the graphical guests' vm test");
      const iso = await ciIso("desktop");
      const dir = await mkdtemp(join(tmpdir(), "livedeck-desktop-"));
      const passwd = join(dir, "passwd");
      const wrong = join(dir, "wrong-passwd");
      const vncpasswd = async (pw: string) =>
        (await run("sh", ["-c", `printf '%s\\n' ${pw} | vncpasswd -f`], { encoding: "buffer" })).stdout;
      await writeFile(passwd, await vncpasswd(PASSWORD));
      await writeFile(wrong, await vncpasswd("nottheone"));
      const vnc = [await freePort(), await freePort()];
      const web = await freePort();
      const t = new SerialTerm();
      await t.start();
      const { session: s } = await startToDom0(
        {
          iso,
          append: `livedeck.guests=${DESKS.join(",")} livedeck.vncpw=${PASSWORD} livedeck.net=dhcp livedeck.guest-timeout=900`,
          cpu: INTEL_CPU.model, // the model desk1's state was saved on
          logDir: dir,
          qmp: true,
          hostfwd: [...vnc.map((host, i) => ({ host, guest: 5900 + i })), { host: web, guest: 6080 }],
          onConsoleData: (c) => t.feed(c),
        },
        4 * MINUTE,
      );
      const figures: string[] = [`artifacts in ${dir}`];
      const t0 = Date.now();
      const at = () => `${((Date.now() - t0) / 1000).toFixed(1)} s`;
      try {
        // Both come up, side by side in Xen's memory (guests-up says how much it had free): desk1
        // restored from its state, desk2 cold.
        for (const desk of DESKS) {
          const ready = await waitMarker(
            s,
            (m) => new RegExp(`^LIVEDECK-GUEST-(READY|FAILED) ${desk}\\b`).test(m.text),
            `${desk}'s desktop`,
            15 * MINUTE,
          );
          expect(ready.text).toMatch(new RegExp(`^LIVEDECK-GUEST-READY ${desk} ${HOW[desk]} \\d+\\.\\d$`));
          figures.push(`${ready.text} at ${ready.seconds.toFixed(1)} s of the boot`);
        }

        // dom0's relays on its outside address: VNC authentication is all each server offers.
        for (const [i, desk] of DESKS.entries()) {
          const served = await waitMarker(
            s,
            (m) =>
              m.text.startsWith(`LIVEDECK-VNC-WEB ${desk} `) || m.text.startsWith("LIVEDECK-VNC-WEB-FAILED"),
            `vnc-web's line for ${desk}`,
            10 * MINUTE,
          );
          expect(served.text).toMatch(
            new RegExp(`^LIVEDECK-VNC-WEB ${desk} \\S+:${6080 + i}/vnc\\.html \\S+:${5900 + i}$`),
          );
          figures.push(`${served.text} at ${served.seconds.toFixed(1)} s of the boot`);
          const hello = await waitFor(() => rfbHello(vnc[i]!), `${desk}'s VNC relay`, 5 * MINUTE);
          expect(hello).toEqual({ version: "RFB 003.008\n", types: [2] });
        }
        figures.push(`RFB handshakes through dom0's relays at ${at()}`);

        // Each frame: a desktop (Blackbox's toolbar, an xterm, the background), not a blank one;
        // the restored desktop's first frame already (its session was running when it was saved).
        for (const [i, desk] of DESKS.entries()) {
          const shot = () =>
            waitFor(
              () => snapshot(vnc[i]!, passwd, join(dir, `vnc-${desk}`)),
              `a VNC snapshot of ${desk}`,
              2 * MINUTE,
            );
          let st = await shot();
          // a cold desktop's window manager may still be drawing
          const until = Date.now() + (HOW[desk] === "cold" ? 2 * MINUTE : 0);
          while (!looksLikeDesktop(st) && Date.now() < until) {
            await sleep(3000);
            st = await shot();
          }
          figures.push(
            `${desk} (${HOW[desk]}) over VNC: ${st.width}x${st.height}, ${st.colours} colours, dominant ${(st.dominant * 100).toFixed(0)} %, background in the top/bottom rows ${(st.top * 100).toFixed(0)}/${(st.bottom * 100).toFixed(0)} % (${at()})`,
          );
          expect([st.width, st.height]).toEqual([1024, 768]);
          expect(looksLikeDesktop(st), JSON.stringify(st)).toBe(true);
        }

        // noVNC: its page, and its WebSocket path refuses a wrong password and takes the right one.
        const page = await waitFor(
          () => fetch(`http://127.0.0.1:${web}/vnc.html`),
          "noVNC's page",
          3 * MINUTE,
        );
        expect(page.status).toBe(200);
        expect(await page.text()).toMatch(/noVNC/);
        const bridge = await wsBridge("127.0.0.1", web);
        try {
          const refused = await snapshot(bridge.port, wrong, join(dir, "wrong")).then(
            () => "a snapshot",
            (e: { stderr?: string }) => String(e.stderr),
          );
          expect(refused).toMatch(/authentication failed/i);
          const viaWeb = await snapshot(bridge.port, passwd, join(dir, "novnc-desk1"));
          expect(looksLikeDesktop(viaWeb), JSON.stringify(viaWeb)).toBe(true);
          figures.push(`noVNC's WebSocket: wrong password refused, the desktop with the right one (${at()})`);
        } finally {
          await bridge.close();
        }

        // The switcher: each desktop's address and password, then `v` (on VIEWED): its desktop on the
        // PC's screen, and Ctrl-Q (on the PC's keyboard) back to the switcher.
        await waitMarker(s, (m) => m.text.startsWith("LIVEDECK-SWITCHER-READY"), "the switcher", 5 * MINUTE);
        const qmp = await Qmp.connect(s.qmpSocket!);
        try {
          const dump = async (name: string) => {
            const file = join(dir, `${name}.ppm`);
            await qmp.execute("screendump", { filename: file });
            return desktopStats(parsePpm(await readFile(file)), 16);
          };
          for (const [i, desk] of DESKS.entries()) {
            // its row says how it came up (the list's boot column)
            await t.waitFor(
              (sc) => new RegExp(`\\b${HOW[desk]}\\b`).test(rowOf(sc, desk) ?? ""),
              `${desk} in the switcher, ${HOW[desk]}`,
              2 * MINUTE,
            );
            await select(s, t, desk);
            const details = new RegExp(
              `VNC [\\d.]+:${5900 + i} web http://[\\d.]+:${6080 + i}/vnc\\.html pw ${PASSWORD} v:view`,
            );
            await t.waitFor((sc) => details.test(sc), `${desk}'s VNC details`, 2 * MINUTE);
            // one view is enough: desk2's would repeat desk1's path (CI time)
            if (desk !== VIEWED) continue;
            const before = await dump(`pc-before-view-${desk}`);
            expect(looksLikeDesktop(before), JSON.stringify(before)).toBe(false);

            const v0 = Date.now();
            s.send("v");
            await waitMarker(
              s,
              (m) => m.text.startsWith(`LIVEDECK-VNC-VIEW ${desk}`),
              `${desk}'s view's start`,
              3 * MINUTE,
            );
            let during = await dump(`pc-view-${desk}`);
            while (!looksLikeDesktop(during) && Date.now() - v0 < 3 * MINUTE) {
              await sleep(2000);
              during = await dump(`pc-view-${desk}`);
            }
            figures.push(
              `v → ${desk}'s desktop on the PC's screen in ${((Date.now() - v0) / 1000).toFixed(1)} s`,
            );
            expect(looksLikeDesktop(during), JSON.stringify(during)).toBe(true);

            await qmp.execute("send-key", {
              keys: [
                { type: "qcode", data: "ctrl" },
                { type: "qcode", data: "q" },
              ],
            });
            const end = await waitMarker(
              s,
              (m) => m.text.startsWith(`LIVEDECK-VNC-VIEW-END ${desk}`),
              `${desk}'s view's end`,
              2 * MINUTE,
            );
            expect(end.text).toBe(`LIVEDECK-VNC-VIEW-END ${desk} 0`);
            await t.waitFor(
              (sc) => sc.includes(`back from ${desk}'s desktop`),
              `the switcher after Ctrl-Q on ${desk}`,
              2 * MINUTE,
            );
            figures.push(`${desk}'s view began and ended at ${at()}`);
          }
        } finally {
          qmp.close();
        }
      } finally {
        console.log(figures.join("\n"));
        await s.stop();
        await t.stop();
      }
    },
    30 * MINUTE,
  );
});

/** Retries `f` until it resolves (a service that comes up after the guest says ready). */
async function waitFor<T>(f: () => Promise<T>, what: string, ms: number): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    try {
      return await f();
    } catch (e) {
      if (Date.now() > end) throw new Error(`${what}: not up in ${ms / 1000} s: ${String(e)}`);
      await sleep(3000);
    }
  }
}
