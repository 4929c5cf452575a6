import { existsSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { DeckSchema } from "../../../src/deck/schema.ts";
import { menuVars, templateFiles } from "../../../src/formats/grub-menu.ts";
import menu from "../../../src/stages/menu.ts";

const vars = menuVars(DeckSchema.parse({ name: "demo" }), { append: "livedeck.test=x" });

describe("menu stage", () => {
  it("takes exactly the menu variables as options", () => {
    expect(menu.options.parse(vars)).toEqual(vars);
    expect(menu.consumes).toEqual([]);
  });

  it("hashes every template file, and they exist", () => {
    expect(menu.inputs(vars)).toEqual(templateFiles());
    for (const f of menu.inputs(vars)) expect(existsSync(f), f).toBe(true);
  });

  it("lints what it writes with grub-script-check", () => {
    expect(menu.tools).toEqual(["grub-script-check"]);
  });

  it.each([
    ["an unknown key", { ...vars, colour: "red" }, [], "Unrecognized key(s) in object: 'colour'"],
    ["a missing key", { ...vars, memtest: undefined }, ["memtest"], "Required"],
    ["a bad default", { ...vars, defaultEntry: "grub" }, ["defaultEntry"], "Invalid enum value"],
    [
      "too little dom0 memory",
      { ...vars, dom0MemoryMiB: 256 },
      ["dom0MemoryMiB"],
      "Number must be greater than or equal to 512",
    ],
  ])("rejects %s", (_, options, path, message) => {
    const r = menu.options.safeParse(options);
    expect(r.success).toBe(false);
    const issue = r.error!.issues[0]!;
    expect(issue.path).toEqual(path);
    expect(issue.message).toContain(message);
  });
});
