import { z } from "zod";
import { describe, expect, it } from "vitest";
import { expectation, keysAt, schemaAt } from "../../../src/deck/expectation.ts";
import { DeckSchema } from "../../../src/deck/schema.ts";
import { size } from "../../../src/deck/size.ts";

describe("expectation", () => {
  it.each([
    [z.string(), "a string"],
    [z.number(), "a number"],
    [z.number().int(), "a whole number"],
    [z.number().int().min(1).max(64), "a whole number from 1 to 64"],
    [z.number().min(0), "a number ≥ 0"],
    [z.number().max(9).default(1), "a number ≤ 9"],
    [z.boolean().optional(), "true or false"],
    [z.enum(["routed", "bridged"]), "one of routed, bridged"],
    [z.array(z.string()), "a list, each a string"],
    [z.object({ a: z.string(), b: z.number() }).strict(), "a mapping with keys a, b"],
    [z.union([z.string(), z.boolean()]), "a string or true or false"],
    [size(32, 1024).default("64M").describe("guest RAM"), "a size like 128M or 1G, from 32M to 1G"],
    [z.string().transform((s) => s.length), "a string"],
  ] as [z.ZodTypeAny, string][])("%#: %s", (schema, want) => {
    expect(expectation(schema)).toBe(want);
  });
});

describe("schemaAt / keysAt", () => {
  it("walks objects, defaults and array elements, keeping the field's description", () => {
    expect(schemaAt(DeckSchema, ["guests", 3, "memory"])?.description).toBe(
      "guest RAM; default: the flavour's",
    );
    expect(schemaAt(DeckSchema, ["dom0", "compression", "level"])?.description).toBe(
      "zstd level of the dom0 initrd",
    );
    expect(schemaAt(DeckSchema, ["dom0", "nope"])).toBeUndefined();
    expect(schemaAt(DeckSchema, ["name", "deeper"])).toBeUndefined();
  });

  it("lists the keys a mapping accepts", () => {
    expect(keysAt(DeckSchema, ["dom0"])).toEqual(["memory", "vcpus", "packages", "prune", "compression"]);
    expect(keysAt(DeckSchema, ["guests", 0])).toEqual(["name", "flavour", "autostart", "memory", "vcpus"]);
    expect(keysAt(DeckSchema, [])).toContain("outputs");
    expect(keysAt(DeckSchema, ["name"])).toEqual([]);
  });
});
