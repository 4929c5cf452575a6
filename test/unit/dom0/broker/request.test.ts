import { describe, expect, it } from "vitest";
import { validateRequest } from "../../../../src/dom0/broker/request.ts";
import { GENERATED } from "./generated.ts";
import { good, HOSTILE, json, withField } from "./hostile.ts";

describe("validateRequest", () => {
  it("accepts a well-formed request", () => {
    expect(validateRequest(json(good))).toEqual({ ok: true, request: good });
    expect(validateRequest(withField("withXen", true)).ok).toBe(true);
  });

  it("has a hostile corpus worth the name: the hand-written entries and the generated ones", () => {
    expect(HOSTILE.length).toBeGreaterThanOrEqual(30);
    expect(GENERATED.length).toBeGreaterThanOrEqual(2000);
    // names identify a case from run to run
    expect(new Set(GENERATED.map(([name]) => name)).size).toBe(GENERATED.length);
  });

  it.each(GENERATED)("refuses the generated case %s, saying why", (what, raw, why) => {
    const r = validateRequest(raw);
    expect(r.ok, what).toBe(false);
    if (!r.ok) expect(r.reason, what).toMatch(why);
    if (!r.ok) expect(r.reason, what).toMatch(/^[\x20-\x7e]*$/);
  });

  // one test per entry: a bad entry does not hide the ones after it
  it.each(HOSTILE)("refuses %s, saying why, without throwing", (what, raw, why) => {
    const r = validateRequest(raw);
    expect(r.ok, what).toBe(false);
    if (!r.ok) expect(r.reason, what).toMatch(why);
  });

  it.each(HOSTILE)(
    "never echoes the guest's bytes in a reason (they would reach dom0's terminal): %s",
    (what, raw) => {
      const r = validateRequest(raw);
      expect(r.ok, what).toBe(false);
      if (!r.ok) expect(r.reason, what).toMatch(/^[\x20-\x7e]*$/);
      if (!r.ok) expect(r.reason, what).not.toMatch(/evil|reboot|\$\(id\)|disk|flavour|admin/);
    },
  );
});
