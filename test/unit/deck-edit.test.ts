import { describe, expect, it } from "vitest";
import { withGuests, withoutAutostart, withStateCpus } from "../helpers/deck-edit.ts";

const DECK =
  "name: ci\nguests:\n  - name: a\n    flavour: micro   # c\n  - name: b\n    flavour: micro\nstates:                # off\n  cpus: []   # none\nboot:\n  timeout: 1\n";

describe("withGuests", () => {
  it("appends guests at the end of the guests: list, before the deck's next key", () => {
    const deck =
      "name: ci\nguests:\n  - name: a\n    flavour: micro   # c\n\nstates:\n  cpus: []\nboot:\n  timeout: 1\n";
    expect(withGuests(deck, "  - name: d\n    flavour: desktop\n")).toBe(
      "name: ci\nguests:\n  - name: a\n    flavour: micro   # c\n  - name: d\n    flavour: desktop\nstates:\n  cpus: []\nboot:\n  timeout: 1\n",
    );
  });

  it("refuses a deck without a guests: list", () => {
    expect(() => withGuests("name: x\n", "  - name: d\n")).toThrow("no guests: list");
  });
});

describe("withoutAutostart", () => {
  it("ends each named guest's entry with autostart: false, whatever comes next", () => {
    expect(withoutAutostart(DECK, ["a", "b"])).toBe(
      DECK.replace("# c\n", "# c\n    autostart: false\n").replace(
        "micro\nstates",
        "micro\n    autostart: false\nstates",
      ),
    );
  });

  it("refuses a guest the deck does not have", () => {
    expect(() => withoutAutostart(DECK, ["c"])).toThrow("no guest c");
  });
});

describe("withStateCpus", () => {
  it("replaces the states: block with the models at zstd -3", () => {
    expect(withStateCpus(DECK, [{ vendor: "intel", model: "Nehalem" }])).toBe(
      DECK.replace(
        "states:                # off\n  cpus: []   # none\n",
        "states:\n  cpus: [{ vendor: intel, model: Nehalem }]\n  level: 3\n",
      ),
    );
  });

  it("refuses a deck without a states: block", () => {
    expect(() => withStateCpus("name: x\n", [])).toThrow("no states: block");
  });
});
