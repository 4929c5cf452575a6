import { dirname, join } from "node:path";
import { z } from "zod";
import { HOSTNAME_RE, PASSWORD_HASH_RE, USER_RE } from "../install/api.ts";
import { install } from "../install/install.ts";
import { defineStage } from "../pipeline/stage.ts";

/** The raw image's file name in the step's output (the `raw` output exports it). */
export const DISK_RAW = "disk.raw";

/**
 * Password of the exported images' user unless the deck says otherwise: "livedeck" (SHA-512 with a
 * fixed salt, so the step's id and the image stay the same from build to build). Change it.
 */
export const EXPORT_PASSWORD_HASH =
  "$6$livedeck.export$BkWGa4bHpOigdH5ZLCrDXX7hrAeex6gLoB/FhEXhxrM85hY4BFvmr3l5OqQcKGHM6RHZQEtJMDFsuan69bySo/";

export const DiskOptions = z
  .object({
    flavour: z.string(),
    sizeMiB: z.number().int().min(512).describe("the raw image's size (sparse: unused space costs nothing)"),
    hostname: z.string().regex(HOSTNAME_RE),
    user: z.string().regex(USER_RE),
    passwordHash: z.string().regex(PASSWORD_HASH_RE),
    withXen: z.boolean(),
  })
  .strict();
export type DiskOptions = z.infer<typeof DiskOptions>;

/**
 * A flavour installed as a standalone OS into a raw disk image (BIOS and UEFI), by the same
 * installer dom0 runs; `convert` steps turn it into qcow2, vmdk and vdi.
 */
export default defineStage({
  name: "disk",
  version: 1,
  summary: "a flavour installed to a raw disk image (GPT, GRUB for BIOS and UEFI) by the installer",
  options: DiskOptions,
  consumes: ["root"],
  inputs: () => [],
  tools: [
    "sfdisk",
    "mkfs.ext4",
    "mkfs.vfat",
    "mcopy",
    "mmd",
    "losetup",
    "mount",
    "umount",
    "chroot",
    "tar",
    "grub-mkimage",
    "grub-pc-bin",
    "grub-efi-bin",
    "wipefs",
  ],
  async run(ctx) {
    const o = ctx.options;
    const r = await install(
      {
        flavour: o.flavour,
        hostname: o.hostname,
        user: o.user,
        passwordHash: o.passwordHash,
        withXen: o.withXen,
        target: { kind: "image", path: join(ctx.out, DISK_RAW), sizeBytes: o.sizeMiB * 2 ** 20 },
      },
      {
        source: { kind: "tar", path: join(ctx.input("root"), "rootfs.tar") },
        workDir: dirname(ctx.out),
        signal: ctx.signal,
        onProgress: (p) => ctx.log(`${p.step}: ${p.message}`),
      },
    );
    if (!r.ok) throw new Error(`install failed at ${r.step}: ${r.message}`);
    ctx.log(`installed ${o.flavour}: ${(r.rootUsedBytes / 2 ** 20).toFixed(0)} MiB on root`);
    return { rootUsedBytes: r.rootUsedBytes, kernel: r.ids.kernel };
  },
});
