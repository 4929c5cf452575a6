import { rm } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, it } from "vitest";
import { requireTools } from "../../src/tools/doctor.ts";
import { installDebian, installableCiDeck } from "../helpers/install-deck.ts";
import { bootXenDom0 } from "../helpers/disk-login.ts";

/**
 * `livedeck install --with-xen`: the disk alone boots Xen from GRUB's default entry, Xen starts the
 * installed kernel as dom0 with the installed root (by UUID), and systemd runs from that root
 * (it names the chosen hostname). The login prompt comes much later under TCG (udev's coldplug in a
 * PV dom0) and adds nothing the plain BIOS boot test does not show.
 */
let dir: string;
let deck: string;

beforeAll(async () => {
  await requireTools(["qemu-system-x86_64"], "the with-Xen install boot test");
  ({ dir, deck } = await installableCiDeck());
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe("install with Xen", () => {
  it("boots Xen from the disk, the installed system as dom0", async () => {
    const image = join(dir, "xen.img");
    const r = await installDebian(deck, image, ["--hostname", "xenbox", "--with-xen"]);
    const t = await bootXenDom0({ disk: image, hostname: "xenbox", rootUuid: r.ids.rootUuid });
    console.log(
      `Xen from disk: dom0 kernel after ${t.kernel.toFixed(1)} s, systemd on the installed root after ${t.systemd.toFixed(1)} s`,
    );
  });
});
