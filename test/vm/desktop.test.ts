import { execFile } from "node:child_process";
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { Qmp } from "../../src/qemu/qmp.ts";
import { startBoot, type BootSession } from "../../src/qemu/session.ts";
import { requireTools } from "../../src/tools/doctor.ts";
import { buildCiIso } from "../helpers/ci-iso.ts";
import { parsePpm, pictureStats, type PictureStats } from "../helpers/ppm.ts";
import { SerialTerm } from "../helpers/serial-term.ts";
import { select } from "../helpers/switcher-keys.ts";
import { rowOf } from "../tools/switcher-tmux.ts";

/**
 * Graphical guests on a real boot: the CI deck plus two guests of flavours/desktop.yaml, started
 * alone (livedeck.guests), with dom0's outside network on QEMU's user-mode net. Through loopback
 * forwards to dom0's outside address: a VNC snapshot of each desktop (vncsnapshot, this boot's
 * password; a wrong one refused) and noVNC's page. Then the switcher's `v` on desk1: QMP
 * screendumps show the PC's screen turn from the text console to the guest's desktop, and Ctrl-Q
 * (a key on the PC's keyboard) returns to the switcher. Snapshots and screendumps stay in the
 * boot's log directory (printed).
 */
const MINUTE = 60_000;
const PASSWORD = "livedk42";
const DESKTOPS = ["desk1", "desk2"];
const run = promisify(execFile);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const withDesktops = (deck: string) =>
  deck.replace("boot:\n", `${DESKTOPS.map((n) => `  - name: ${n}\n    flavour: desktop\n`).join("")}boot:\n`);

async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, "127.0.0.1", r));
  const port = (srv.address() as { port: number }).port;
  await new Promise((r) => srv.close(r));
  return port;
}

async function waitMarker(s: BootSession, re: RegExp, ms: number) {
  const end = Date.now() + ms;
  for (;;) {
    const m = s.expecter.markers.find((x) => re.test(x.text));
    if (m) return m;
    if (Date.now() > end)
      throw new Error(`no ${re} within ${ms / 1000} s; markers: ${s.expecter.markers.map((x) => x.text).join(" | ")}`);
    await sleep(250);
  }
}

/** vncsnapshot of 127.0.0.1:port as JPEG, decoded to PPM; retried while dom0's relay comes up. */
async function snapshot(port: number, passwd: string, out: string, ms: number): Promise<PictureStats & { width: number; height: number }> {
  const end = Date.now() + ms;
  for (;;) {
    try {
      await run("vncsnapshot", ["-quiet", "-passwd", passwd, `127.0.0.1::${port}`, `${out}.jpg`], { timeout: 60_000 });
      const { stdout } = await run("djpeg", ["-pnm", `${out}.jpg`], { encoding: "buffer", maxBuffer: 64 << 20 });
      await writeFile(`${out}.ppm`, stdout);
      const p = parsePpm(stdout);
      return { ...pictureStats(p), width: p.width, height: p.height };
    } catch (e) {
      if (Date.now() > end) throw e;
      await sleep(3000);
    }
  }
}

/** A desktop, not a blank or single-colour frame and not a text console. */
const looksLikeDesktop = (st: PictureStats) => st.colours >= 16 && st.dominant < 0.95 && st.dark < 0.5;

describe("graphical guests", () => {
  it(
    "serve their desktops over VNC and noVNC, and the switcher shows one full-screen on the PC",
    async () => {
      await requireTools(["tmux", "vncsnapshot", "vncpasswd", "djpeg"], "the graphical guests' vm test");
      const iso = await buildCiIso({
        edit: withDesktops,
        append: `livedeck.guests=${DESKTOPS.join(",")} livedeck.vncpw=${PASSWORD} livedeck.net=dhcp livedeck.guest-timeout=1200`,
      });
      const dir = await mkdtemp(join(tmpdir(), "livedeck-desktop-"));
      const passwd = join(dir, "passwd");
      const wrong = join(dir, "wrong-passwd");
      await writeFile(passwd, (await run("sh", ["-c", `printf '%s\\n' ${PASSWORD} | vncpasswd -f`], { encoding: "buffer" })).stdout);
      await writeFile(wrong, (await run("sh", ["-c", "printf 'nottheone\\n' | vncpasswd -f"], { encoding: "buffer" })).stdout);
      const vnc = [await freePort(), await freePort()];
      const web = await freePort();
      const t = new SerialTerm();
      await t.start();
      const s = await startBoot({
        iso,
        logDir: dir,
        qmp: true,
        hostfwd: [
          { host: vnc[0]!, guest: 5900 },
          { host: vnc[1]!, guest: 5901 },
          { host: web, guest: 6080 },
        ],
        onConsoleData: (c) => t.feed(c),
      });
      const figures: string[] = [`artifacts in ${dir}`];
      try {
        await s.expect("LIVEDECK-DOM0-READY", 4 * MINUTE);
        for (const g of DESKTOPS) {
          const r = await waitMarker(s, new RegExp(`^LIVEDECK-GUEST-(READY|FAILED) ${g}\\b`), 20 * MINUTE);
          expect(r.text).toMatch(/READY/);
          figures.push(`${r.text} (at ${r.seconds.toFixed(1)} s)`);
        }

        // Each desktop over VNC, through dom0's relay on its outside address, with this boot's password.
        for (const [i, g] of DESKTOPS.entries()) {
          const st = await snapshot(vnc[i]!, passwd, join(dir, `vnc-${g}`), 3 * MINUTE);
          figures.push(`${g} over VNC: ${st.width}x${st.height}, ${st.colours} colours, dominant ${(st.dominant * 100).toFixed(0)} %`);
          expect([st.width, st.height]).toEqual([1024, 768]);
          expect(looksLikeDesktop(st), JSON.stringify(st)).toBe(true);
        }
        await expect(
          run("vncsnapshot", ["-quiet", "-passwd", wrong, `127.0.0.1::${vnc[0]}`, join(dir, "wrong.jpg")], { timeout: 60_000 }),
        ).rejects.toThrow();

        // noVNC's page for desk1, from dom0's websockify
        const page = await fetch(`http://127.0.0.1:${web}/vnc.html`);
        expect(page.status).toBe(200);
        expect(await page.text()).toMatch(/noVNC/);

        // The switcher: desk1's address and password, then `v`: its desktop on the PC's screen.
        await waitMarker(s, /^LIVEDECK-SWITCHER-READY/, 10 * MINUTE);
        await t.waitFor((sc) => rowOf(sc, "desk1") !== undefined, "desk1 in the switcher", 2 * MINUTE);
        await select(s, t, "desk1");
        const screen = await t.waitFor((sc) => sc.includes(`pw ${PASSWORD}`), "desk1's VNC details", 2 * MINUTE);
        expect(screen).toMatch(/desk1: VNC [\d.]+:5900 web http:\/\/[\d.]+:6080\/vnc\.html pw livedk42 v:view/);
        const qmp = await Qmp.connect(s.qmpSocket!);
        const dump = async (name: string) => {
          const file = join(dir, `${name}.ppm`);
          await qmp.execute("screendump", { filename: file });
          return pictureStats(parsePpm(await readFile(file)));
        };
        const before = await dump("pc-before-view");
        figures.push(`PC screen before the view: ${before.colours} colours, ${(before.dark * 100).toFixed(0)} % dark`);
        expect(looksLikeDesktop(before)).toBe(false);

        const t0 = Date.now();
        s.send("v");
        await waitMarker(s, /^LIVEDECK-VNC-VIEW desk1/, 3 * MINUTE);
        let during = await dump("pc-view-desk1");
        while (!looksLikeDesktop(during) && Date.now() - t0 < 3 * MINUTE) {
          await sleep(2000);
          during = await dump("pc-view-desk1");
        }
        figures.push(
          `v → desktop on the PC's screen in ${((Date.now() - t0) / 1000).toFixed(1)} s: ${during.colours} colours, ${(during.dark * 100).toFixed(0)} % dark`,
        );
        expect(looksLikeDesktop(during), JSON.stringify(during)).toBe(true);

        // Ctrl-Q on the PC's keyboard ends the view; the switcher says so.
        await qmp.execute("send-key", { keys: [{ type: "qcode", data: "ctrl" }, { type: "qcode", data: "q" }] });
        const end = await waitMarker(s, /^LIVEDECK-VNC-VIEW-END desk1/, 2 * MINUTE);
        expect(end.text).toBe("LIVEDECK-VNC-VIEW-END desk1 0");
        await t.waitFor((sc) => sc.includes("back from desk1's desktop"), "the switcher after Ctrl-Q", 2 * MINUTE);
        qmp.close();
      } finally {
        console.log(figures.join("\n"));
        await s.stop();
        await t.stop();
      }
    },
    40 * MINUTE,
  );
});
