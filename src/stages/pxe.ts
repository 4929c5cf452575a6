import { createHash } from "node:crypto";
import { stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { z } from "zod";
import { MenuVarsSchema, loadTemplates, renderMenu, templateFiles } from "../formats/grub-menu.ts";
import {
  MANIFEST,
  NET_PLATFORMS,
  NET_SUBDIR,
  grubMknetdirArgv,
  manifestText,
  ramNote,
} from "../formats/pxe-tree.ts";
import { linkOrCopy } from "../pipeline/link-tree.ts";
import { hashFile } from "../pipeline/ids.ts";
import { defineStage } from "../pipeline/stage.ts";
import { XEN_RESERVED_MIB } from "../deck/load.ts";
import { GUESTS_TREE, MARKER, MEMTEST, filesBelow, markerText, treeFiles } from "./iso.ts";

/** The stage's output dir holds the tree as tree/: what `build` exports as out/<deck>-pxe/. */
export const PXE_TREE = "tree";

export const PxeOptions = z
  .object({
    menu: MenuVarsSchema.innerType()
      .omit({ net: true, ramNote: true })
      .describe("the deck's boot menu (as the ISO's); the stage adds the network parts"),
    guestsMemoryMiB: z.number().int().min(0).describe("RAM of the autostart guests, for the menu's RAM note"),
  })
  .strict();
export type PxeOptions = z.infer<typeof PxeOptions>;

/**
 * The PXE tree: the ISO's tree laid out for a TFTP (or HTTP) server's root, with GRUB's network
 * images for BIOS and UEFI, a menu whose dom0 line says where to fetch from, and a checksum
 * manifest of the guests' files that dom0 fetches into RAM (initrd-skel/dom0/usr/lib/livedeck/fetch-medium).
 */
export default defineStage({
  name: "pxe",
  version: 1,
  summary:
    "PXE tree for a TFTP server: GRUB network images (BIOS, UEFI), menu, Xen, dom0 and the guests' files with a sha256 manifest",
  options: PxeOptions,
  consumes: ["dom0", "guests"],
  inputs: (o) => [...templateFiles(), ...(o.menu.memtest ? [MEMTEST.bin, MEMTEST.efi] : [])],
  tools: ["grub-mknetdir", "grub-script-check", "grub-pc-bin", "grub-efi-bin"],
  async run(ctx) {
    const o = ctx.options;
    const tree = join(ctx.out, PXE_TREE);
    const guests = ctx.input("guests");
    const guestFiles = await filesBelow(join(guests, GUESTS_TREE));
    const files = treeFiles(o.menu, { menu: "", dom0: ctx.input("dom0"), guests }, guestFiles);
    for (const [dest, src] of files.filter(([d]) => d !== `${NET_SUBDIR}/grub.cfg`))
      await linkOrCopy(src, join(tree, dest));
    for (const fw of Object.keys(NET_PLATFORMS) as (keyof typeof NET_PLATFORMS)[])
      await ctx.exec(grubMknetdirArgv(fw, tree));

    let filesBytes = 0;
    const entries = [];
    for (const path of guestFiles) {
      entries.push({ path, sha256: await hashFile(join(tree, path)) });
      filesBytes += (await stat(join(tree, path))).size;
    }
    const manifest = manifestText(entries);
    await writeFile(join(tree, MANIFEST), manifest);
    const vars = {
      ...o.menu,
      net: { manifest: createHash("sha256").update(manifest).digest("hex") },
      ramNote: ramNote({
        xenMiB: XEN_RESERVED_MIB,
        dom0MiB: o.menu.dom0MemoryMiB,
        guestsMiB: o.guestsMemoryMiB,
        filesBytes,
      }),
    };
    const cfg = join(tree, NET_SUBDIR, "grub.cfg");
    await writeFile(cfg, renderMenu(vars, loadTemplates()));
    await ctx.exec(["grub-script-check", cfg]);
    await writeFile(
      join(tree, MARKER),
      markerText({ label: o.menu.label, dom0MemoryMiB: o.menu.dom0MemoryMiB }),
    );
    ctx.log(`${guestFiles.length} guest files, ${(filesBytes / 2 ** 20).toFixed(1)} MiB fetched by dom0`);
    return { guestFiles: guestFiles.length, guestBytes: filesBytes };
  },
});
