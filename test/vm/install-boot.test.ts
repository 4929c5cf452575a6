import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { requireTools } from "../../src/tools/doctor.ts";
import { exportImages, installDebian, installableCiDeck } from "../helpers/install-deck.ts";
import { bootToLogin } from "../helpers/disk-login.ts";

/**
 * The CI deck's Debian flavour installed by `livedeck install` into a raw image, booted alone under
 * BIOS; and exported by `livedeck export --format qcow2` (the same installer, then qemu-img), booted alone
 * under UEFI. Both must reach a login prompt naming their hostname: GRUB, kernel, initramfs, root
 * by UUID, systemd, getty on the serial console.
 */
let dir: string;
let deck: string;

beforeAll(async () => {
  await requireTools(["qemu-system-x86_64", "ovmf", "qemu-img"], "the install boot tests");
  ({ dir, deck } = await installableCiDeck());
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe("installed disk boots on its own", () => {
  it("livedeck install → raw image → BIOS → login prompt with the chosen hostname", async () => {
    const image = join(dir, "bios.img");
    const r = await installDebian(deck, image, ["--hostname", "biosbox", "--user", "tester"]);
    console.log(`install: ${r.seconds.toFixed(1)} s, ${(r.rootUsedBytes / 2 ** 20).toFixed(0)} MiB on root`);
    const s = await bootToLogin({ disk: image, format: "raw", uefi: false, hostname: "biosbox", dir });
    console.log(`BIOS boot to login: ${s.toFixed(1)} s`);
  });

  it("livedeck export --format qcow2 vmdk vdi → each exported image boots to a login prompt (UEFI, BIOS, UEFI)", async () => {
    const out = await mkdtemp(join(tmpdir(), "livedeck-export-"));
    try {
      const outputs = await exportImages(deck, out, ["qcow2", "vmdk", "vdi"]);
      expect(outputs).toEqual(
        ["qcow2", "vmdk", "vdi"].map((format) => ({ format, path: join(out, `ci-debian.${format}`) })),
      );
      // VMware opens the vmdk through the .vmx beside it
      expect(await readFile(join(out, "ci-debian.vmx"), "utf8")).toContain(
        'sata0:0.fileName = "ci-debian.vmdk"',
      );
      const uefi = { qcow2: true, vmdk: false, vdi: true } as const;
      for (const o of outputs) {
        const format = o.format as keyof typeof uefi;
        const s = await bootToLogin({ disk: o.path, format, uefi: uefi[format], hostname: "debian", dir });
        console.log(
          `${uefi[format] ? "UEFI" : "BIOS"} boot of the ${format} export to login: ${s.toFixed(1)} s`,
        );
      }
    } finally {
      await rm(out, { recursive: true, force: true });
    }
  });
});
