import { describe, expect, it } from "vitest";
import { CI_MEDIA, type CiMedium, ciMedium } from "../helpers/ci-media.ts";

/**
 * The build phase: every medium the vm tier boots, built once before the first vm file (the
 * projects run in order: unit → tools → build → vm), each its own case so a failed build is named.
 * The run's report lists each build's time (test/setup/time-report.ts).
 */
describe("the media the vm tests boot", () => {
  it.each(Object.keys(CI_MEDIA) as CiMedium[])(
    "%s",
    async (name) => {
      const outputs = await ciMedium(name);
      expect(Object.keys(outputs).sort()).toEqual([...CI_MEDIA[name].formats].sort());
    },
    40 * 60_000,
  );
});
