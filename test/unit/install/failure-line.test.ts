import { describe, expect, it } from "vitest";
import { ToolError } from "../../../src/errors.ts";
import { failureLine } from "../../../src/install/install.ts";

describe("an install failure's one line", () => {
  it("names the tool and what it said last", () => {
    const e = new ToolError(
      "install bootloader",
      ["mmd", "-i", "/dev/vda@@2097152", "::/EFI"],
      1,
      "init: x\nCannot initialize '::'\n",
      "Command failed with exit code 1: mmd\n-i …",
    );
    expect(failureLine(e)).toBe("mmd failed (exit code 1): Cannot initialize '::'");
    expect(failureLine(new ToolError("s", ["sfdisk"], undefined, ""))).toBe(
      "sfdisk failed (exit code signal)",
    );
  });

  it("keeps the first line of any other error", () => {
    expect(failureLine(new Error("an image of 1 bytes is too small\nmore"))).toBe(
      "an image of 1 bytes is too small",
    );
    expect(failureLine("x")).toBe("x");
    expect(failureLine(new ToolError("s", ["cp"], undefined, "", "cancelled"))).toBe("cancelled");
  });
});
