import { cp, mkdir, open, readFile } from "node:fs/promises";
import { join } from "node:path";
import { mcopyArgv, mmdArgv } from "./argv.ts";
import { grubCfgText, type SystemIds } from "./config-text.ts";
import { EFI_FILES, biosBootSectors, grubMkimageArgv, grubModuleDir } from "./grub-boot.ts";
import type { Partition, PartRole } from "./layout.ts";
import { bootNames, writeInRoot, xenImage } from "./root-files.ts";
import type { InstallSession } from "./session.ts";

/** mtools refuses a FAT whose geometry it finds odd; ours is mkfs.vfat's. */
const MTOOLS_ENV = { MTOOLS_SKIP_CHECK: "1" };

async function writeAt(path: string, data: Buffer, offset: number): Promise<void> {
  const f = await open(path, "r+");
  try {
    await f.write(data, 0, data.length, offset);
    await f.sync();
  } finally {
    await f.close();
  }
}

/**
 * GRUB for BIOS and UEFI. Order matters for power loss: modules, core.img (in the BIOS boot
 * partition) and the EFI images first, then grub.cfg, and the MBR's boot code last: until then the
 * firmware finds nothing to boot by BIOS, and GRUB finds no menu by UEFI.
 */
export async function installBootloader(
  s: InstallSession,
  o: {
    target: string;
    parts: Record<PartRole, Partition>;
    root: string;
    work: string;
    ids: SystemIds;
    kernel: string;
    hostname: string;
    withXen: boolean;
    grubLibDir?: string;
  },
): Promise<void> {
  const lib = o.grubLibDir ?? "/usr/lib/grub";
  const xen = o.withXen ? xenImage(await bootNames(o.root)) : undefined;
  if (o.withXen && !xen)
    throw new Error("with Xen: the flavour's tree has no /boot/xen-*.gz (no Xen install root)");
  const grubDir = join(o.root, "boot", "grub");
  await mkdir(grubDir, { recursive: true });
  for (const p of ["bios", "efi"] as const) {
    const dir = grubModuleDir(p, lib);
    await cp(dir, join(grubDir, dir.split("/").at(-1)!), {
      recursive: true,
      filter: (f) => !/\.(img|image|exec|module)$/.test(f) || f === dir,
    });
  }
  s.progress(0.2, "GRUB modules");

  const core = join(o.work, "core.img");
  const efi = join(o.work, "grubx64.efi");
  await s.run(grubMkimageArgv("bios", core, lib));
  await s.run(grubMkimageArgv("efi", efi, lib));
  const mbrOld = Buffer.alloc(512);
  const f = await open(o.target, "r");
  await f.read(mbrOld, 0, 512, 0).finally(() => f.close());
  const sectors = biosBootSectors(
    await readFile(join(grubModuleDir("bios", lib), "boot.img")),
    await readFile(core),
    mbrOld,
    o.parts.bios.offset / 512,
    o.parts.bios.bytes,
  );
  await writeAt(o.target, sectors.core, o.parts.bios.offset);
  s.progress(0.5, "GRUB for BIOS: core image");

  const espDirs = [
    ...new Set(
      EFI_FILES.flatMap((p) =>
        p
          .split("/")
          .slice(0, -1)
          .map((_, i, a) => a.slice(0, i + 1).join("/")),
      ),
    ),
  ];
  await s.run(mmdArgv(o.target, o.parts.esp.offset, espDirs), { env: MTOOLS_ENV });
  for (const dest of EFI_FILES)
    await s.run(mcopyArgv(o.target, o.parts.esp.offset, efi, dest), { env: MTOOLS_ENV });
  s.progress(0.7, "GRUB for UEFI");

  await writeInRoot(
    o.root,
    "boot/grub/grub.cfg",
    grubCfgText({ ...o.ids, hostname: o.hostname, kernel: o.kernel, xen }),
  );
  await s.run(["sync", "--file-system", grubDir]);
  await writeAt(o.target, sectors.mbr, 0);
  s.progress(1, "GRUB for BIOS: boot sector");
}
