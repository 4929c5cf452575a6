import { describe, expect, it } from "vitest";
import { reportError } from "../../../src/cli/exit.ts";
import { InterruptedError, ToolError, UserError } from "../../../src/errors.ts";

function capture(e: unknown) {
  let text = "";
  const code = reportError(e, (s) => (text += s));
  return { code, text };
}

describe("exit codes are mapped in one place", () => {
  it("user error: 2, message and hint, no stack", () => {
    const r = capture(new UserError("deck.yaml:3:1 x: bad", "fix it"));
    expect(r).toEqual({ code: 2, text: "error: deck.yaml:3:1 x: bad\nhint: fix it\n" });
  });
  it("tool error: 1 with stage, command, exit code and stderr tail", () => {
    const r = capture(new ToolError("rootfs:dom0", ["mmdebstrap", "--include=a b"], 25, "E: no such package", "mmdebstrap failed"));
    expect(r.code).toBe(1);
    expect(r.text).toContain("stage rootfs:dom0 failed");
    expect(r.text).toContain('command: mmdebstrap "--include=a b"');
    expect(r.text).toContain("exit code: 25");
    expect(r.text).toContain("  E: no such package");
    expect(r.text).not.toContain("at ");
  });
  it("interrupted: 130", () => {
    expect(capture(new InterruptedError()).code).toBe(130);
  });
  it("anything else is a bug: 1 with the stack", () => {
    const r = capture(new TypeError("oops"));
    expect(r.code).toBe(1);
    expect(r.text).toMatch(/internal error[\s\S]*TypeError: oops[\s\S]*at /);
  });
});
