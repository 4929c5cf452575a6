import { mkdtemp, open, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { startToDom0 } from "../../src/qemu/stall.ts";
import { requireTools } from "../../src/tools/doctor.ts";
import { exec } from "../../src/tools/exec.ts";
import { ciIso } from "../helpers/ci-media.ts";
import { SerialTerm } from "../helpers/serial-term.ts";
import { attach, detach, listShown, run, select, waitMarker } from "../helpers/switcher-keys.ts";
import { rowOf } from "../tools/switcher-tmux.ts";

/**
 * The CI deck's medium boots into the console switcher: its serial console (QEMU's stdio = Xen's
 * com1 = dom0's hvc0), played into a real terminal emulator, shows the guests; the test attaches to
 * guests, types in them, comes back with Ctrl-], pauses and resumes one, and opens the dom0 shell.
 * Boot markers keep arriving on the events port while the switcher owns the console. Saving at run
 * time (S): micro1 to dom0's RAM, micro2 to an ext4 disk labelled LIVEDECK-SAVE the test prepares
 * on the host; both gone from Xen and listed as saved, then restored by s and answering on their
 * consoles.
 */
const MINUTE = 60_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("the CI deck's medium boots into the console switcher", () => {
  it(
    "lists the guests, attaches and types in them, comes back with Ctrl-], pauses and resumes, opens the dom0 shell",
    async () => {
      await requireTools(["tmux", "mkfs.ext4"], "the switcher's vm test");
      // Only micro1 autostarts; micro2 is started from the switcher (its start action) and deb stays
      // on the medium, listed as stopped: guests created one at a time survive a loaded host, where
      // concurrent creations get their hotplug scripts killed by libxl's timeout.
      const iso = await ciIso();
      // the disk a person prepared for run-time saves (guest-save finds it by its label)
      const dir = await mkdtemp(join(tmpdir(), "livedeck-switcher-vm-"));
      const saveDisk = join(dir, "save.img");
      const f = await open(saveDisk, "w");
      await f.truncate(512 * 1024 ** 2);
      await f.close();
      await exec(["mkfs.ext4", "-q", "-F", "-L", "LIVEDECK-SAVE", saveDisk], { stage: "switcher vm test" });
      const t = new SerialTerm();
      await t.start();
      let initAt = 0;
      const { session: s, dom0 } = await startToDom0(
        {
          iso,
          append: "livedeck.guests=micro1",
          disks: [saveDisk],
          onConsoleData: (c) => t.feed(c),
          onLine: (source, text) => {
            if (source === "console" && /livedeck: init started at/.test(text)) initAt ||= Date.now();
          },
        },
        4 * MINUTE,
      );
      const figures: string[] = [];
      try {
        const ready = await waitMarker(
          s,
          (m) => m.marker.kind === "switcher-ready",
          "LIVEDECK-SWITCHER-READY",
          8 * MINUTE,
        );
        expect(ready.source).toBe("events");
        const readyAt = Date.now();
        figures.push(
          `boot to switcher ${ready.seconds.toFixed(1)} s after QEMU start (dom0 ready ${dom0.seconds.toFixed(1)} s); ` +
            `init start → SWITCHER-READY ${((readyAt - initAt) / 1000).toFixed(1)} s`,
        );
        // The switcher comes first: drawn before any guest is up, the guest's row saying where it is
        expect(s.expecter.markers.some((m) => m.marker.kind === "guest-ready")).toBe(false);
        figures.push(`dom0 ready → switcher drawn ${(ready.seconds - dom0.seconds).toFixed(1)} s`);
        await t.waitFor(listShown, "micro1, micro2 and deb in the list", 2 * MINUTE);
        // the first frame is drawn before the first xl poll ("dom0 ?  Xen ?"): the header follows
        const header = /livedeck {2}dom0 \d+\/\d+M free {2}Xen 4\.17/;
        let screen = await t.waitFor(
          (sc) => header.test(sc),
          "dom0's and Xen's memory in the header",
          2 * MINUTE,
        );
        expect(screen).toMatch(header);
        const early = await t.waitFor(
          (sc) => / (queued|booting) /.test(rowOf(sc, "micro1") ?? ""),
          "micro1 queued or booting",
          2 * MINUTE,
        );
        expect(rowOf(early, "micro1")).toMatch(/ (queued|booting) /);

        // micro1 up and reported ready by dom0's supervisor (BOOT column "cold", from xenstore).
        await t.waitFor(
          (sc) => / running .* cold/.test(rowOf(sc, "micro1") ?? ""),
          "micro1 running, cold",
          8 * MINUTE,
        );

        // Attach to micro1, run a command there, come back.
        await select(s, t, "micro1");
        const first = await attach(s, t);
        const out = await run(s, t, "cat /proc/sys/kernel/hostname", "IN-MICRO1");
        expect(out).toMatch(/\bmicro1\r*\n/);
        expect(await t.screen()).toContain("IN-MICRO1-42");
        const back1 = await detach(s, t);

        // Start micro2 from the switcher, wait for its shell, run a command there.
        await select(s, t, "micro2");
        s.send("s");
        await t.waitFor((sc) => / running /.test(rowOf(sc, "micro2") ?? ""), "micro2 running", 8 * MINUTE);
        await attach(s, t, 8 * MINUTE);
        expect(await run(s, t, "cat /proc/sys/kernel/hostname", "IN-MICRO2")).toMatch(/\bmicro2\r*\n/);
        const back2 = await detach(s, t);

        // Key press → the other guest's console, both guests up.
        await select(s, t, "micro1");
        const second = await attach(s, t);
        await run(s, t, "true", "AGAIN-MICRO1");
        await detach(s, t);
        await select(s, t, "micro2");
        figures.push(
          `Enter → guest console answering: micro1 ${first} ms (first attach), ${second} ms (from micro2, 25 ms probes); Ctrl-] → list drawn ${back1} ms, ${back2} ms`,
        );

        // Pause and resume micro2.
        let t0 = Date.now();
        s.send("p");
        await t.waitFor((sc) => / paused /.test(rowOf(sc, "micro2") ?? ""), "micro2 paused", 2 * MINUTE);
        const paused = Date.now() - t0;
        t0 = Date.now();
        s.send("p");
        await t.waitFor(
          (sc) => / running /.test(rowOf(sc, "micro2") ?? ""),
          "micro2 running again",
          2 * MINUTE,
        );
        figures.push(`p → paused shown ${paused} ms, p → running shown ${Date.now() - t0} ms`);

        // Save at run time: micro1 to dom0's RAM, micro2 to the LIVEDECK-SAVE disk; both leave Xen.
        const xenFree = (sc: string) => Number(/Xen 4\.17\S* (\d+)\//.exec(sc)?.[1]);
        const freeBefore = xenFree(await t.screen());
        const saved: Record<string, number> = {};
        for (const [name, where] of [
          ["micro2", "disk"],
          ["micro1", "ram"],
        ] as const) {
          await select(s, t, name);
          s.send("S");
          await t.waitFor(
            (sc) => new RegExp(`Save ${name} .*r:RAM`).test(sc),
            `the save question for ${name}`,
            MINUTE,
          );
          t0 = Date.now();
          s.send(where[0]!);
          await t.waitFor(
            (sc) => new RegExp(` saved ${where} `).test(rowOf(sc, name) ?? ""),
            `${name} saved to ${where}`,
            4 * MINUTE,
          );
          saved[name] = Date.now() - t0;
        }
        screen = await t.waitFor(
          (sc) => xenFree(sc) >= freeBefore + 2 * 96,
          "Xen's free memory grown by both guests' 96M",
          MINUTE,
        );
        const said = (name: string) =>
          new RegExp(`${name}: saved to (ram|disk) in ([\\d.]+) s \\(([\\d.]+) MiB\\)`).exec(screen);
        figures.push(
          `S: micro2 → disk shown saved ${saved.micro2} ms (${said("micro2")?.[2]} s in guest-save's words, ${said("micro2")?.[3]} MiB), ` +
            `micro1 → RAM ${saved.micro1} ms (${said("micro1")?.[2]} s, ${said("micro1")?.[3]} MiB); Xen free ${freeBefore}M → ${xenFree(screen)}M`,
        );
        s.send("!");
        await t.waitFor((sc) => /Open a dom0 root shell/.test(sc), "the shell question", MINUTE);
        s.send("y");
        await sleep(2000);
        const inDom0 = await run(
          s,
          t,
          "xl list | grep -c micro; ls /run/livedeck/saved /run/livedeck/save-disk/livedeck-saved",
          "SAVES",
          2 * MINUTE,
        );
        expect(inDom0).toMatch(/^0\r?$/m); // neither micro guest is a domain now
        expect(inDom0).toMatch(/micro1\.zst/);
        expect(inDom0).toMatch(/micro2\.zst/);
        s.send("exit\r");
        await t.waitFor(listShown, "the list after the dom0 shell", MINUTE);

        // s restores each from its save (guest-start: seed, unpause, READY again), consoles answer.
        const restored: Record<string, number> = {};
        for (const name of ["micro1", "micro2"]) {
          await select(s, t, name);
          t0 = Date.now();
          s.send("s");
          await t.waitFor(
            (sc) => / running .* restored/.test(rowOf(sc, name) ?? ""),
            `${name} running, restored`,
            8 * MINUTE,
          );
          restored[name] = Date.now() - t0;
          await attach(s, t, 2 * MINUTE);
          expect(await run(s, t, "cat /proc/sys/kernel/hostname", `BACK-${name}`)).toContain(name);
          await detach(s, t);
        }
        figures.push(
          `s → shown running restored: micro1 (RAM) ${restored.micro1} ms, micro2 (disk) ${restored.micro2} ms`,
        );

        // The dom0 shell: the switcher's Node processes and their memory, then back.
        s.send("!");
        await t.waitFor((sc) => /Open a dom0 root shell/.test(sc), "the shell question", MINUTE);
        s.send("y");
        await sleep(2000);
        const rss = await run(
          s,
          t,
          "for p in $(busybox pidof node); do echo RSS $p $(sed -n 's/^VmRSS:[[:space:]]*//p' /proc/$p/status); done; busybox free -m | sed -n 2p; ls /run/livedeck/saved /run/livedeck/save-disk/livedeck-saved | grep -c zst",
          "DOM0-SHELL",
          2 * MINUTE,
        );
        const rssKb = [...rss.matchAll(/^RSS \d+ (\d+) kB/gm)].map((m) => Number(m[1]));
        expect(rssKb.length).toBe(2); // the supervisor and the switcher
        expect(rss).toMatch(/^0\r?$/m); // the run-time saves are gone once restored
        figures.push(
          `switcher RSS in dom0: ${rssKb.map((k) => `${(k / 1024).toFixed(1)} MiB`).join(" + ")} (supervisor + switcher)`,
        );
        s.send("exit\r");
        await t.waitFor(listShown, "the list after the dom0 shell", MINUTE);

        // micro1's marker reached the events port while the switcher owned the console, and not the console.
        const readyMarkers = s.expecter.markers.filter((m) => m.marker.kind === "guest-ready");
        figures.push(
          `guest ready markers (switcher ready @${ready.seconds.toFixed(1)}s): ${
            readyMarkers.map((m) => `${m.text} @${m.seconds.toFixed(1)}s on ${m.source}`).join(", ") || "none"
          }`,
        );
        const owned = t.raw.indexOf("livedeck: switcher: starting at");
        expect(owned).toBeGreaterThan(0);
        // dom0's relayed form ("… cold SECONDS"); a guest's own console may show its bare line when attached.
        expect(t.raw.slice(owned)).not.toMatch(/LIVEDECK-GUEST-READY \S+ cold/);
        expect(rowOf(await t.screen(), "deb")).toMatch(/ stopped /);
        expect(readyMarkers.map((m) => [m.source, m.text.split(" ").slice(0, 3).join(" ")])).toEqual([
          ["events", "LIVEDECK-GUEST-READY micro1 cold"],
        ]);
      } finally {
        console.log(figures.join("\n"));
        console.log(`last screen:\n${await t.screen().catch(() => "?")}`);
        await s.stop();
        await t.stop();
        await rm(dir, { recursive: true, force: true });
      }
    },
    30 * MINUTE,
  );
});
