import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { defineStage } from "../pipeline/stage.ts";
import { MenuVarsSchema, loadTemplates, renderMenu, templateFiles } from "../formats/grub-menu.ts";

/** Renders the one boot menu (BIOS, UEFI, PXE) and lints it with grub-script-check. */
export default defineStage({
  name: "menu",
  version: 1,
  summary: "render grub.cfg from grub-templates/ for the deck's boot menu",
  options: MenuVarsSchema,
  consumes: [],
  inputs: () => templateFiles(),
  tools: ["grub-script-check"],
  async run(ctx) {
    const cfg = join(ctx.out, "grub.cfg");
    const text = renderMenu(ctx.options, loadTemplates());
    await writeFile(cfg, text);
    await ctx.exec(["grub-script-check", cfg]);
    return { entries: (text.match(/^menuentry /gm) ?? []).length, bytes: Buffer.byteLength(text) };
  },
});
