import { mkdtemp, open, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { startToDom0 } from "../../src/qemu/stall.ts";
import { requireTools } from "../../src/tools/doctor.ts";
import { ciIso } from "../helpers/ci-media.ts";
import { bootToLogin } from "../helpers/disk-login.ts";
import { SerialTerm } from "../helpers/serial-term.ts";
import { attach, detach, listShown, run, select, waitMarker } from "../helpers/switcher-keys.ts";
import { rowOf } from "../tools/switcher-tmux.ts";

/**
 * An install asked for by a guest and carried out by dom0, booted: the CI medium (its Debian
 * flavour made installable) on CD plus two blank virtio disks, vda big enough and vdb too small. In the Debian guest's console a raw hostile request is refused; then `livedeck-install`
 * (flags, in the background) asks for real, the switcher shows the dialog with vdb refused and vda
 * offered (the CD, the boot medium, not at all), choosing vdb is refused, choosing vda runs the
 * installer in dom0 (its tools from the medium's installer.squashfs, the flavour from its layers
 * and `+install` image), and the guest reads success. Then QEMU boots vda alone, under BIOS and
 * then UEFI, to the installed system's login prompt with the chosen host name. (An install with
 * Xen runs the same install stack with the `+install+xen` image: the broker's choice of it is
 * unit-tested, and install-xen-boot boots such an install to Xen; a second install here cost CI
 * three minutes.) (The medium on a USB stick, listed and refused as the boot medium, is
 * unit-tested: under load dom0 may not find the stick within find-medium's 10 s.)
 */
const MINUTE = 60_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const GiB = 1024 ** 3;

describe("a guest asks dom0 to install its flavour", () => {
  it(
    "refuses a hostile request, shows a real one in the switcher, refuses the boot medium, installs in dom0, the disk boots alone",
    async () => {
      await requireTools(["tmux"], "the install request vm test");
      // the CI deck with its Debian flavour installable: the medium gets the installer and debian+install
      const iso = await ciIso("installable");
      const dir = await mkdtemp(join(tmpdir(), "livedeck-install-vm-"));
      const disks = [join(dir, "big.img"), join(dir, "small.img")];
      for (const [i, d] of disks.entries()) {
        const f = await open(d, "w");
        await f.truncate(i === 1 ? GiB / 4 : 4 * GiB);
        await f.close();
      }
      const t = new SerialTerm();
      await t.start();
      const { session: s } = await startToDom0(
        { iso, append: "livedeck.guests=deb", disks, onConsoleData: (c) => t.feed(c) },
        10 * MINUTE,
      );
      const figures: string[] = [];
      try {
        await waitMarker(
          s,
          (m) => m.marker.kind === "switcher-ready",
          "LIVEDECK-SWITCHER-READY",
          15 * MINUTE,
        );
        await t.waitFor(listShown, "the guest list", 2 * MINUTE);
        await t.waitFor((sc) => / running .* cold/.test(rowOf(sc, "deb") ?? ""), "deb running", 8 * MINUTE);
        await select(s, t, "deb");
        await attach(s, t, 2 * MINUTE);

        // a request with a field dom0 does not know (a disk of the guest's choosing): refused
        const hostile = await run(
          s,
          t,
          `livedeck-install --send-raw '{"v":1,"disk":"/dev/sda"}' --timeout 120`,
          "HOSTILE",
          3 * MINUTE,
        );
        expect(hostile).toMatch(/livedeck-install: refused: the request has unknown fields/);

        // the real request, answered while the guest waits in the background
        await run(
          s,
          t,
          "(livedeck-install --hostname box --user anna --password pw --no-xen --yes --timeout 1200 >/tmp/li.log 2>&1 &)",
          "SENT",
        );
        const sentAt = Date.now();
        await detach(s, t);
        // drawn in chunks over the serial line: wait for its last line
        const dialog = await t.waitFor(
          (sc) =>
            /Guest deb asks to install flavour debian/.test(sc) &&
            /Enter: install to the selected disk/.test(sc),
          "the install dialog",
          2 * MINUTE,
        );
        figures.push(
          `request → dialog on screen ${((Date.now() - sentAt) / 1000).toFixed(1)} s (incl. Ctrl-])`,
        );
        expect(dialog).toMatch(/host name box, user anna/);
        expect(dialog).toMatch(/\/dev\/vdb .*is too small: debian needs \d/);
        expect(dialog).not.toMatch(/\/dev\/sr0/);
        const vda = dialog.split("\n").find((l) => /> \/dev\/vda /.test(l)) ?? "";
        expect(vda).toMatch(/ 4\.3 GB/);
        expect(vda).not.toMatch(/holds|mounted|swap|in use|read-only|too small/);

        // the small disk: refused at the PC, the dialog stays
        s.send("j");
        await t.waitFor((sc) => /> \/dev\/vdb/.test(sc), "the small disk selected", MINUTE);
        s.send("\r");
        await t.waitFor(
          (sc) => /\/dev\/vdb is too small: debian needs/.test(sc),
          "the refusal in the log",
          MINUTE,
        );
        s.send("k");
        await t.waitFor((sc) => /> \/dev\/vda/.test(sc), "the blank disk selected", MINUTE);
        const confirmedAt = Date.now();
        s.send("\r");
        await t.waitFor(
          (sc) => /installing debian for deb to \/dev\/vda|install: deb: /.test(sc),
          "the install under way",
          2 * MINUTE,
        );
        figures.push(
          `confirm → install on the status line ${((Date.now() - confirmedAt) / 1000).toFixed(1)} s`,
        );
        // the broker logs where the time went right after the outcome
        const ended = await t.waitFor(
          (sc) => /install: deb: failed|install: seconds per step/.test(sc),
          "the install's end",
          20 * MINUTE,
        );
        figures.push(`confirm → install's end ${((Date.now() - confirmedAt) / 1000).toFixed(1)} s`);
        figures.push(
          `dom0's ${/install: seconds per step: .*/.exec(ended)?.[0] ?? "install: no seconds per step"}`,
        );
        expect(ended).toMatch(/install: deb: installed debian as box on \/dev\/vda/);

        // what the guest read back
        await select(s, t, "deb");
        await attach(s, t, 2 * MINUTE);
        const log = await run(s, t, "cat /tmp/li.log", "LOG");
        figures.push(`guest's log:\n${log.replace(/\r/g, "")}`);
        expect(log).toMatch(/livedeck-install: request sent \([0-9a-f]{16}\); waiting for dom0/);
        expect(log).toMatch(/livedeck-install: waiting: waiting for the person at the PC/);
        // progress reached the guest: it polls every 0.5 s, so which steps it saw depends on timing
        // (the first, "confirmed", is often overwritten by the next before the guest reads it)
        expect(log).toMatch(/livedeck-install: installing: \[ *\d+%\] /);
        expect(log).toMatch(
          /livedeck-install: done: \[100%\] installed debian as box on \/dev\/vda \(\d+ MiB in \d+ s\)/,
        );

        await s.stop();
        const used = (await stat(disks[0]!)).blocks * 512;
        figures.push(`vda: ${(used / 2 ** 20).toFixed(0)} MiB allocated`);

        // the installed disk alone, as the PC after the medium is removed
        for (const uefi of [false, true]) {
          const took = await bootToLogin({ disk: disks[0]!, format: "raw", uefi, hostname: "box", dir });
          figures.push(
            `${uefi ? "UEFI" : "BIOS"} boot of the installed disk to "box login:" ${took.toFixed(1)} s`,
          );
        }
      } finally {
        console.log(figures.join("\n"));
        console.log(`last screen:\n${await t.screen().catch(() => "?")}`);
        await s.stop();
        await t.stop();
        await rm(dir, { recursive: true, force: true });
      }
    },
    40 * MINUTE,
  );
});
