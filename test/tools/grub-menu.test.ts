import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DeckSchema, MENU_ENTRIES } from "../../src/deck/schema.ts";
import { ToolError } from "../../src/errors.ts";
import { menuVars, renderMenu, type MenuVars } from "../../src/formats/grub-menu.ts";
import menu from "../../src/stages/menu.ts";
import { requireTools } from "../../src/tools/doctor.ts";
import { exec } from "../../src/tools/exec.ts";
import { runStage } from "../helpers/stage-ctx.ts";

const decks: [string, MenuVars][] = [
  ["default deck", menuVars(DeckSchema.parse({ name: "demo" }))],
  [
    "quotes, $ and braces in the description, no timeout, test hook",
    menuVars(
      DeckSchema.parse({
        name: "odd",
        description: `it's "$x" {y}; z`,
        boot: { timeout: 0 },
        dom0: { memory: "4G", vcpus: 8 },
      }),
      { append: "livedeck.test=ci console=ttyS1" },
    ),
  ],
  [
    "PXE root, no memtest86+",
    menuVars(DeckSchema.parse({ name: "pxe" }), { root: "(tftp)/livedeck", memtest: false }),
  ],
];

describe("rendered menus pass grub-script-check", () => {
  let dir: string;
  beforeAll(async () => {
    await requireTools(menu.tools, "the grub menu tests");
    dir = await mkdtemp(join(tmpdir(), "livedeck-menu-"));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  const check = async (text: string) => {
    const file = join(dir, "grub.cfg");
    await writeFile(file, text);
    return exec(["grub-script-check", file], { stage: "test" });
  };

  for (const [what, vars] of decks) {
    const entries = MENU_ENTRIES.filter((e) => e !== "memtest" || vars.memtest);
    it.each(entries)(`${what}, default %s`, async (defaultEntry) => {
      await check(renderMenu({ ...vars, defaultEntry }));
    });
  }

  it("grub-script-check does catch a broken menu (the check can fail)", async () => {
    const broken = renderMenu(decks[0]![1]).replace(/\}\n$/, "\n");
    const e = await check(broken).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ToolError);
    expect((e as ToolError).argv[0]).toBe("grub-script-check");
  });

  it("the menu stage writes grub.cfg and lints it", async () => {
    const vars = decks[1]![1];
    const { out, report } = await runStage(menu, vars, { dir, debs: dir });
    expect(await readFile(join(out, "grub.cfg"), "utf8")).toBe(renderMenu(vars));
    expect(report).toEqual({ entries: 5, bytes: Buffer.byteLength(renderMenu(vars)) });
  });
});
