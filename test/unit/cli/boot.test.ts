import { Command } from "commander";
import { describe, expect, it } from "vitest";
import { bootOptions, parseExpectation, registerBoot } from "../../../src/cli/boot.ts";
import { UserError } from "../../../src/errors.ts";

const defaults: { memory: string; timeout: string; accel: string; cpu?: string } = {
  memory: "3072",
  timeout: "180",
  accel: "tcg",
};

function program(): Command {
  const p = new Command("livedeck").exitOverride();
  registerBoot(p);
  return p;
}

describe("boot flags", () => {
  it("parse into bootMedium options", () => {
    const opts = program().commands[0]!;
    opts.parseOptions([
      "--uefi",
      "--usb",
      "--memory",
      "1024",
      "--timeout",
      "30",
      "--expect",
      "A",
      "B C",
      "--log",
      "/l",
      "--append",
      "livedeck.toram livedeck.nossh",
      "--cpu",
      "Nehalem",
      "--entry",
      "verbose",
    ]);
    expect(bootOptions("x.iso", opts.opts() as never)).toEqual({
      iso: "x.iso",
      uefi: true,
      usb: true,
      pxe: false,
      memoryMiB: 1024,
      timeoutMs: 30_000,
      expect: ["A", "B C"],
      accel: "tcg",
      cpu: "Nehalem",
      logDir: "/l",
      append: "livedeck.toram livedeck.nossh",
      entry: "verbose",
    });
  });

  it("default to BIOS, CD, 3072 MiB, TCG, 180 s, the default marker", () => {
    const cmd = program().commands[0]!;
    cmd.parseOptions([]);
    expect(bootOptions("x.iso", cmd.opts() as never)).toMatchObject({
      uefi: false,
      usb: false,
      memoryMiB: 3072,
      accel: "tcg",
      timeoutMs: 180_000,
      expect: [],
    });
  });

  const bad: [Partial<typeof defaults>, RegExp][] = [
    [{ accel: "hvf" }, /^--accel: 'hvf' is not tcg or kvm$/],
    [{ timeout: "soon" }, /^--timeout: 'soon' is not a number$/],
    [{ timeout: "0" }, /^--timeout: 0 s is not positive$/],
    [{ memory: "lots" }, /^--memory: 'lots' is not a number$/],
    [{ cpu: "max,+x2apic;reboot" }, /^--cpu: 'max,\+x2apic;reboot' is not a QEMU CPU model name$/],
  ];
  for (const [flags, message] of bad) {
    it(`refuses ${JSON.stringify(flags)}`, () => {
      const e = (() => {
        try {
          bootOptions("x.iso", { ...defaults, ...flags });
        } catch (x) {
          return x;
        }
      })();
      expect(e).toBeInstanceOf(UserError);
      expect((e as UserError).message).toMatch(message);
      expect((e as UserError).hint).toBeTruthy();
    });
  }

  it("the verb throws UserError for bad input instead of exiting", async () => {
    await expect(
      program().parseAsync(["boot", "x.iso", "--memory", "100"], { from: "user" }),
    ).rejects.toThrow(/memory: 100 MiB is not a whole number/);
    await expect(
      program().parseAsync(["boot", "x.iso", "--accel", "xen"], { from: "user" }),
    ).rejects.toBeInstanceOf(UserError);
  });
});

describe("parseExpectation", () => {
  it("takes marker words, or a /pattern/", () => {
    expect(parseExpectation(" LIVEDECK-GUEST-READY jeos ")).toBe("LIVEDECK-GUEST-READY jeos");
    expect(parseExpectation("/GUEST-READY \\S+ restored/")).toEqual(/GUEST-READY \S+ restored/);
    expect(parseExpectation("/ready/i")).toEqual(/ready/i);
    expect(() => parseExpectation("/(/")).toThrow(UserError);
    expect(() => parseExpectation("  ")).toThrow(/--expect: empty marker/);
  });
});
