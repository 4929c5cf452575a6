import { rm } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, it } from "vitest";
import { diskBootArgv } from "../../src/qemu/disk-argv.ts";
import { requireTools } from "../../src/tools/doctor.ts";
import { installDebian, installableCiDeck } from "../helpers/install-deck.ts";
import { Console } from "../helpers/serial-console.ts";

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
    const started = Date.now();
    const c = new Console(diskBootArgv({ disk: image, format: "raw", firmware: "bios", memoryMiB: 2048 }));
    try {
      await c.waitFor(/\(XEN\) Xen version 4\.17/, 180);
      await c.waitFor(
        new RegExp(`Command line: root=UUID=${r.ids.rootUuid} ro console=tty0 console=hvc0`),
        240,
      );
      const xen = (Date.now() - started) / 1000;
      await c.waitFor(/systemd\[1\]: Hostname set to <xenbox>/, 420);
      console.log(
        `Xen from disk: dom0 kernel after ${xen.toFixed(1)} s, systemd on the installed root after ${((Date.now() - started) / 1000).toFixed(1)} s`,
      );
    } finally {
      c.proc.kill("SIGKILL");
      await c.exited(10);
    }
  });
});
