import { describe, expect, it } from "vitest";
import { fatal, markerLabel, matches, MILESTONES, parseMarker } from "../../../src/qemu/markers.ts";

describe("parseMarker", () => {
  const cases: [string, ReturnType<typeof parseMarker>][] = [
    ["LIVEDECK-DOM0-READY", { kind: "dom0-ready" }],
    ["  LIVEDECK-DOM0-READY  ", { kind: "dom0-ready" }],
    ["LIVEDECK-GUEST-READY jeos restored 1.9", { kind: "guest-ready", guest: "jeos", how: "restored", seconds: 1.9 }],
    ["LIVEDECK-GUEST-READY web cold 17", { kind: "guest-ready", guest: "web", how: "cold", seconds: 17 }],
    ["LIVEDECK-GUEST-FAILED jeos xl restore: Failed to set CPUID policy", {
      kind: "guest-failed", guest: "jeos", reason: "xl restore: Failed to set CPUID policy" }],
    ["LIVEDECK-GUEST-COLD jeos no saved state of jeos for GenuineIntel", {
      kind: "guest-cold", guest: "jeos", reason: "no saved state of jeos for GenuineIntel" }],
    ["LIVEDECK-SWITCHER-READY", { kind: "switcher-ready" }],
    ["LIVEDECK-TEST PASS", { kind: "test", verdict: "PASS", why: "" }],
    ["LIVEDECK-TEST FAIL guest web not up", { kind: "test", verdict: "FAIL", why: "guest web not up" }],
    ["LIVEDECK-GUEST-READY jeos", { kind: "other", text: "LIVEDECK-GUEST-READY jeos" }],
    ["LIVEDECK-TEST MAYBE", { kind: "other", text: "LIVEDECK-TEST MAYBE" }],
    ["~ # echo LIVEDECK-TEST PASS", null],
    ["(XEN) LIVEDECK-DOM0-READY", null],
    ["", null],
  ]; // prettier-ignore
  for (const [line, want] of cases) it(JSON.stringify(line), () => expect(parseMarker(line)).toEqual(want));
});

describe("markerLabel", () => {
  it("names each marker for the timeline", () => {
    const label = (l: string) => markerLabel(parseMarker(l)!);
    expect(label("LIVEDECK-DOM0-READY")).toBe("dom0 ready");
    expect(label("LIVEDECK-SWITCHER-READY")).toBe("switcher ready");
    expect(label("LIVEDECK-GUEST-READY jeos restored 1.9")).toBe("guest jeos ready (restored, 1.9 s)");
    expect(label("LIVEDECK-GUEST-FAILED jeos no state")).toBe("guest jeos FAILED: no state");
    expect(label("LIVEDECK-GUEST-COLD jeos saved states are off (livedeck.states=off)")).toBe(
      "guest jeos boots cold: saved states are off (livedeck.states=off)",
    );
    expect(label("LIVEDECK-TEST FAIL why")).toBe("test FAIL: why");
    expect(label("LIVEDECK-NEW thing")).toBe("LIVEDECK-NEW thing");
  });
});

describe("matches", () => {
  it("a marker's leading words match whole words at the start of the line", () => {
    expect(matches("LIVEDECK-GUEST-READY jeos", "LIVEDECK-GUEST-READY jeos restored 1.9")).toBe(true);
    expect(matches("LIVEDECK-GUEST-READY jeos", "LIVEDECK-GUEST-READY jeos2 cold 3")).toBe(false);
    expect(matches("LIVEDECK-DOM0-READY", "LIVEDECK-DOM0-READY")).toBe(true);
    expect(matches("LIVEDECK-DOM0-READY", "LIVEDECK-DOM0-READYX")).toBe(false);
    expect(matches("LIVEDECK-TEST PASS", "~ # echo LIVEDECK-TEST PASS")).toBe(false);
  });
  it("a RegExp matches anywhere", () => {
    expect(matches(/GUEST-READY \S+ restored/, "LIVEDECK-GUEST-READY a restored 2")).toBe(true);
    expect(matches(/GUEST-READY \S+ restored/, "LIVEDECK-GUEST-READY a cold 2")).toBe(false);
  });
});

describe("fatal", () => {
  it("a FAIL verdict fails at once", () => {
    expect(fatal("LIVEDECK-TEST FAIL no guests")).toEqual({ reason: "test-failed", immediate: true });
    expect(fatal("LIVEDECK-TEST PASS")).toBeNull();
    expect(fatal("~ # echo LIVEDECK-TEST FAIL")).toBeNull();
  });
  it("panics wait for their details", () => {
    for (const l of [
      "[    2.1] Kernel panic - not syncing: VFS: Unable to mount root fs",
      "(XEN) Panic on CPU 0:",
      "(XEN) Reboot in five seconds...",
      "Rebooting in 10 seconds..",
    ]) {
      expect(fatal(l)).toEqual({ reason: "panic", immediate: false });
    }
    expect(fatal("(XEN) Xen version 4.17")).toBeNull();
  });
  it("a guest's failure is fatal only while that guest is awaited", () => {
    const line = "LIVEDECK-GUEST-FAILED jeos no state";
    expect(fatal(line)).toBeNull();
    expect(fatal(line, "LIVEDECK-DOM0-READY")).toBeNull();
    expect(fatal(line, "LIVEDECK-GUEST-READY web")).toBeNull();
    expect(fatal(line, "LIVEDECK-GUEST-READY jeos")).toEqual({ reason: "guest-failed", immediate: true });
  });
});

describe("MILESTONES", () => {
  const first = (line: string) => MILESTONES.find((m) => m.pattern.test(line))?.label;
  it("recognises GRUB, Xen and the dom0 kernel", () => {
    expect(first("Welcome to GRUB!")).toBe("GRUB");
    expect(first("                             GNU GRUB  version 2.06")).toBe("GRUB");
    expect(first("  Booting `livedeck (Xen)'")).toBe("GRUB");
    expect(first("(XEN) Xen version 4.17.5-pre (Debian 4.17.5+23-ga4e5191dc0-1)")).toBe("Xen");
    expect(first("[    0.000000] Linux version 6.1.0-37-amd64 (debian-kernel@lists.debian.org)")).toBe(
      "dom0 kernel",
    );
    expect(first("BdsDxe: loading Boot0001")).toBeUndefined();
  });
});
