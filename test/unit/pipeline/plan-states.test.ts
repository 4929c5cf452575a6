import { describe, expect, it } from "vitest";
import { DeckSchema } from "../../../src/deck/schema.ts";
import { planStates } from "../../../src/pipeline/plan-states.ts";

const ISO = { label: "LIVEDECK", epoch: 1735689600, dom0MemoryMiB: 1024 };
const INPUTS = { dom0: "dom0-initrd", guests: "guests-medium" };
const deck = (extra: object) =>
  DeckSchema.parse({ name: "x", guests: [{ name: "g", flavour: "micro" }], ...extra });

describe("planStates", () => {
  it("primes once per vendor on the deck's CPU models, the first model of a vendor winning", () => {
    const p = planStates(
      deck({
        states: {
          cpus: [
            { vendor: "amd", model: "EPYC" },
            { vendor: "amd", model: "Opteron_G1" },
          ],
          level: 9,
          long: false,
        },
      }),
      ISO,
      INPUTS,
    );
    expect(p.steps.map((s) => s.key)).toEqual(["menu:prime", "iso:prime", "prime:amd"]);
    expect(p.steps[2]!.options).toEqual({
      vendor: "amd",
      cpu: "EPYC",
      level: 9,
      long: false,
      timeoutS: 3600,
    });
    expect(p.vendors).toEqual(["amd"]);
    expect(p.consumes).toEqual({ "states:amd": "prime:amd" });
  });

  it("plans nothing without CPU models or without an autostart guest", () => {
    expect(planStates(deck({ states: { cpus: [] } }), ISO, INPUTS).steps).toEqual([]);
    const noAuto = DeckSchema.parse({
      name: "x",
      guests: [{ name: "g", flavour: "micro", autostart: false }],
    });
    expect(planStates(noAuto, ISO, INPUTS)).toEqual({ steps: [], vendors: [], consumes: {} });
  });
});
