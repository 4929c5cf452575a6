import { join } from "node:path";
import { readMediumGuests } from "../../../src/dom0/medium.ts";
import { parseXlList } from "../../../src/dom0/xl-parse.ts";
import type { Activity, DomainExtra, World } from "../../../src/switcher/model.ts";
import { fixture, XL_FIXTURES } from "../dom0/fixtures.ts";

/** The captured machine: medium with tiny, deb, t80; tiny running and ready, t80 crashed. */
export async function capturedWorld(extra: Record<string, DomainExtra> = {}): Promise<World> {
  return {
    medium: await readMediumGuests(join(XL_FIXTURES, "medium")),
    domains: parseXlList(fixture("xl-list.txt")),
    extra: new Map(
      Object.entries({
        tiny: { flavour: "micro", ip: "172.20.216.10", startedAtMs: 0, ready: true, origin: "cold" as const },
        t80: { flavour: "micro", ip: "172.20.216.11", startedAtMs: 28_000, ready: false },
        ...extra,
      }),
    ),
    bootFailures: new Map(),
    hv: { totalMiB: 3071, freeMiB: 1326, xenVersion: "4.17.7" },
    dom0: { totalMiB: 1463, availableMiB: 1172 },
  };
}

export const idle: Activity = { ops: new Map(), failures: new Map() };
