import { describe, expect, it } from "vitest";
import { withGuests } from "../helpers/deck-edit.ts";

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
