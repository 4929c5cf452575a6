import { execa } from "execa";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { MANIFEST } from "../../src/formats/pxe-tree.ts";
import { startBoot } from "../../src/qemu/session.ts";
import { bootToGuests } from "../../src/qemu/to-guests.ts";
import { ciMedium } from "../helpers/ci-media.ts";

/**
 * The CI deck's PXE tree, booted through QEMU's built-in DHCP and TFTP servers (`-netdev
 * user,tftp=…,bootfile=…`) under BIOS and UEFI: GRUB's network image loads the menu, Xen and dom0
 * over TFTP; dom0 gets a DHCP lease, fetches the guests' files into RAM, checks them against the
 * manifest whose sha256 the menu carries, and starts the guests as from a medium. (PXE vs CD times:
 * `npm run bench -- pxe`.)
 */
const MINUTE = 60_000;
const GUESTS = ["micro1", "micro2", "deb"]; // flavours/ci.deck.yaml, in deck order

describe("the CI deck's PXE tree boots over QEMU's TFTP", () => {
  let out: Record<string, string>;

  it(
    "builds the ISO and the PXE tree",
    async () => {
      out = await ciMedium("ci");
      const cfg = await readFile(join(out.pxe!, "boot/grub/grub.cfg"), "utf8");
      expect(cfg).toMatch(
        /livedeck\.fetch=tftp:\$net_default_server livedeck\.mac=\$net_default_mac livedeck\.manifest=[0-9a-f]{64}/,
      );
      expect(cfg).toMatch(
        /^menuentry 'ci: livedeck CI \(network boot: needs \d+ MiB RAM, incl\. \d+ MiB of guest files\)' --id demo/m,
      );
      expect(await readFile(join(out.pxe!, MANIFEST), "utf8")).toMatch(
        /^[0-9a-f]{64} {2}livedeck\/guests\.list$/m,
      );
    },
    40 * MINUTE,
  );

  // Under UEFI dom0's fetch and check is the point (CI time): BIOS shows the guests start from the files.
  it.each([
    ["PXE, BIOS", false, GUESTS],
    ["PXE, UEFI (OVMF)", true, []],
  ])(
    "%s: dom0 fetches and checks the guests' files, reaches LIVEDECK-DOM0-READY, then the listed guests are ready",
    async (how, uefi, guests) => {
      // a loaded host: the Debian guest gets more than the default 300 s (boot --append on the tree's copy)
      const f = await bootToGuests(
        { iso: out.pxe!, pxe: true, uefi, append: "livedeck.guest-timeout=900" },
        guests,
      );
      console.log(
        `${how}: dom0 ready ${f.dom0.toFixed(1)} s, all guests ready ${f.guests.toFixed(1)} s${f.fetch ? ` (${f.fetch})` : ""}`,
      );
      expect(f.fetch).toMatch(/fetched and checked \d+ files \(\d+ MiB, in RAM\) from 10\.0\.2\.2 in/);
    },
    45 * MINUTE,
  );

  // dom0's own fetch-medium on a server whose files were changed after the build: it must refuse
  // before any guest starts, and say what did not match.
  it.each([
    [
      "a guest file changed on the server",
      "livedeck/guests.list",
      /^livedeck: fetched files do not match livedeck\.sha256:$/,
      /^livedeck\/guests\.list: FAILED$/,
    ],
    [
      "the manifest changed on the server (the menu carries its sha256)",
      MANIFEST,
      /^livedeck: livedeck\.sha256 from \S+ does not match livedeck\.manifest=[0-9a-f]{64}$/,
      /^livedeck: ERROR: could not fetch the guests' files/,
    ],
  ])(
    "PXE, BIOS: %s → dom0 refuses, no guest starts",
    async (_what, file, refusal, then) => {
      const dir = await mkdtemp(join(tmpdir(), "livedeck-pxe-tampered-"));
      try {
        const tree = join(dir, "pxe");
        await execa("cp", ["-al", out.pxe!, tree]); // hard links: the changed file is written anew below
        const text = await readFile(join(tree, file), "utf8");
        await rm(join(tree, file));
        await writeFile(join(tree, file), `${text}# changed on the server\n`);
        const s = await startBoot({ iso: tree, pxe: true, logDir: join(dir, "boot") });
        try {
          const seen = await s.expect(refusal, 12 * MINUTE);
          await s.expect(then, MINUTE);
          await s.expect(/^livedeck: dropping to a rescue shell$/, MINUTE);
          console.log(`${file} changed: "${seen.text}" after ${seen.seconds.toFixed(1)} s`);
          const log = await readFile(s.logs.console, "utf8");
          expect(log).not.toMatch(/LIVEDECK-DOM0-READY|LIVEDECK-GUEST-READY/);
        } finally {
          await s.stop();
        }
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },
    20 * MINUTE,
  );
});
