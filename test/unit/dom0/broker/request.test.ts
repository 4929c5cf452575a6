import { describe, expect, it } from "vitest";
import { validateRequest } from "../../../../src/dom0/broker/request.ts";
import { good, HOSTILE, json, withField } from "./hostile.ts";

describe("validateRequest", () => {
  it("accepts a well-formed request", () => {
    expect(validateRequest(json(good))).toEqual({ ok: true, request: good });
    expect(validateRequest(withField("withXen", true)).ok).toBe(true);
  });

  it(`refuses every one of ${HOSTILE.length} hostile requests, saying why, without throwing`, () => {
    expect(HOSTILE.length).toBeGreaterThanOrEqual(30);
    for (const [what, raw, why] of HOSTILE) {
      const r = validateRequest(raw);
      expect(r.ok, what).toBe(false);
      if (!r.ok) expect(r.reason, what).toMatch(why);
    }
  });

  it("never echoes the guest's bytes in a reason (they would reach dom0's terminal)", () => {
    for (const [what, raw] of HOSTILE) {
      const r = validateRequest(raw);
      if (!r.ok) expect(r.reason, what).toMatch(/^[\x20-\x7e]*$/);
      if (!r.ok) expect(r.reason, what).not.toMatch(/evil|reboot|\$\(id\)|disk|flavour|admin/);
    }
  });
});
