import { describe, expect, it } from "vitest";
import { parseSetEnvPaths } from "../../../src/qemu/medium-states.ts";
import { chooseStateCpu, parseCpuHelp, parseSetEnv, type StateSet } from "../../../src/qemu/state-cpu.ts";

const intel: StateSet = { vendorId: "GenuineIntel", facts: { vendor: "GenuineIntel", qemu_cpu: "Nehalem" } };
const amd: StateSet = { vendorId: "AuthenticAMD", facts: { vendor: "AuthenticAMD", qemu_cpu: "Opteron_G3" } };
const MODELS = new Set(["qemu64", "Nehalem", "Opteron_G3"]);

describe("set.env and QEMU's model list", () => {
  it("reads set.env's KEY=VALUE lines", () => {
    expect(parseSetEnv("xen_version=4.17.5\nvendor=GenuineIntel\nqemu_cpu=Nehalem\nzstd=-3\n\n")).toEqual({
      xen_version: "4.17.5",
      vendor: "GenuineIntel",
      qemu_cpu: "Nehalem",
      zstd: "-3",
    });
  });

  it("reads model names from `-cpu help`", () => {
    const help =
      "Available CPUs:\nx86 486                   (alias configured by machine type)\nx86 Nehalem-v1            Intel Core i7 9xx\n\nRecognized CPUID flags:\n  3dnow\n";
    expect([...parseCpuHelp(help)]).toEqual(["486", "Nehalem-v1"]);
  });

  it("finds the sets' set.env files in xorriso -find output", () => {
    const out = "'/livedeck/states/AuthenticAMD/set.env'\n'/livedeck/states/GenuineIntel/set.env'\n";
    expect(parseSetEnvPaths(out)).toEqual([
      "/livedeck/states/AuthenticAMD/set.env",
      "/livedeck/states/GenuineIntel/set.env",
    ]);
    expect(parseSetEnvPaths("'/livedeck/states/x/y/set.env'\n")).toEqual([]);
  });
});

describe("chooseStateCpu", () => {
  it("boots the model the host vendor's set was primed on, and says so", () => {
    const c = chooseStateCpu([intel, amd], { vendorId: "AuthenticAMD", models: MODELS });
    expect(c).toMatchObject({ cpu: "Opteron_G3", vendorId: "AuthenticAMD", source: "medium" });
    expect(c.why).toBe(
      "cpu Opteron_G3: the medium's AuthenticAMD states were primed on it (the host is AuthenticAMD too); --cpu overrides",
    );
    expect(chooseStateCpu([intel, amd], { vendorId: "GenuineIntel", models: MODELS }).cpu).toBe("Nehalem");
  });

  it("takes the first set (by vendor id) when none is the host's", () => {
    const c = chooseStateCpu([intel, amd], { vendorId: "HygonGenuine", models: MODELS });
    expect(c.cpu).toBe("Opteron_G3");
    expect(c.why).toMatch(/the first of AuthenticAMD on Opteron_G3, GenuineIntel on Nehalem/);
    expect(chooseStateCpu([intel], { vendorId: "AuthenticAMD", models: MODELS }).cpu).toBe("Nehalem");
  });

  it("passes over a set whose model this QEMU lacks; none left: the default, and every guest cold", () => {
    expect(chooseStateCpu([intel, amd], { vendorId: "AuthenticAMD", models: new Set(["Nehalem"]) }).cpu).toBe(
      "Nehalem",
    );
    const none = chooseStateCpu([intel, amd], { models: new Set(["qemu64"]) });
    expect(none.cpu).toBeUndefined();
    expect(none.source).toBe("default");
    expect(none.why).toMatch(/a model this QEMU does not offer: every guest boots cold$/);
  });

  it("a medium without states: the default, saying guests boot cold", () => {
    expect(chooseStateCpu([], { vendorId: "AuthenticAMD", models: MODELS })).toEqual({
      source: "default",
      why: "cpu: QEMU's default; the medium has no saved states, so guests boot cold",
    });
  });

  it("--cpu wins, and says whether a set fits it", () => {
    expect(chooseStateCpu([intel, amd], { models: MODELS, flag: "Nehalem" })).toMatchObject({
      cpu: "Nehalem",
      source: "flag",
      vendorId: "GenuineIntel",
      why: "cpu Nehalem (--cpu): the medium's GenuineIntel states were primed on it",
    });
    expect(chooseStateCpu([intel, amd], { models: MODELS, flag: "qemu64" }).why).toMatch(
      /^cpu qemu64 \(--cpu\): the medium's states were primed on .*: guests whose state does not fit boot cold$/,
    );
    expect(chooseStateCpu([], { models: MODELS, flag: "max" }).why).toBe(
      "cpu max (--cpu): the medium has no saved states",
    );
  });
});
