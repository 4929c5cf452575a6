import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { MANIFEST } from "../../src/formats/pxe-tree.ts";
import { bootToGuests } from "../../src/qemu/to-guests.ts";
import { buildCi } from "../helpers/ci-iso.ts";

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

  it("builds the ISO and the PXE tree", async () => {
    // Five helpers' VMs share two cores: give the Debian guest more than the default 300 s (both media alike).
    out = await buildCi({ formats: ["iso", "pxe"], append: "livedeck.guest-timeout=900" });
    const cfg = await readFile(join(out.pxe!, "boot/grub/grub.cfg"), "utf8");
    expect(cfg).toMatch(/livedeck\.fetch=tftp:\$net_default_server livedeck\.mac=\$net_default_mac livedeck\.manifest=[0-9a-f]{64}/);
    expect(cfg).toMatch(/^menuentry 'ci: livedeck CI \(network boot: needs \d+ MiB RAM, incl\. \d+ MiB of guest files\)' --id demo/m);
    expect(await readFile(join(out.pxe!, MANIFEST), "utf8")).toMatch(/^[0-9a-f]{64} {2}livedeck\/guests\.list$/m);
  }, 40 * MINUTE);

  // Under UEFI dom0's fetch and check is the point (CI time): BIOS shows the guests start from the files.
  it.each([
    ["PXE, BIOS", false, GUESTS],
    ["PXE, UEFI (OVMF)", true, []],
  ])("%s: dom0 fetches and checks the guests' files, reaches LIVEDECK-DOM0-READY, then the listed guests are ready", async (how, uefi, guests) => {
    const f = await bootToGuests({ iso: out.pxe!, pxe: true, uefi }, guests);
    console.log(`${how}: dom0 ready ${f.dom0.toFixed(1)} s, all guests ready ${f.guests.toFixed(1)} s${f.fetch ? ` (${f.fetch})` : ""}`);
    expect(f.fetch).toMatch(/fetched and checked \d+ files \(\d+ MiB, in RAM\) from 10\.0\.2\.2 in/);
  }, 45 * MINUTE);
});
