import { describe, expect, it } from "vitest";
import { UserError } from "../../../src/errors.ts";
import dom0Initrd, {
  KERNEL_PATTERN,
  XEN_PATTERN,
  excludeFromInitrd,
  pickOne,
  zstdArgv,
} from "../../../src/stages/dom0-initrd.ts";

const BOOT = [
  "System.map-6.1.0-56-amd64",
  "config-6.1.0-56-amd64",
  "vmlinuz-6.1.0-56-amd64",
  "xen-4.17-amd64.config",
  "xen-4.17-amd64.efi",
  "xen-4.17-amd64.gz",
];
const OK = { epoch: 1735689600, skel: "/src/initrd-skel/dom0" };

describe("dom0-initrd", () => {
  it("compresses with zstd at the level asked, all cores, to the named file", () => {
    expect(zstdArgv(19, "/o/dom0.cpio", "/o/dom0.img")).toEqual([
      "zstd",
      "-19",
      "-T0",
      "-q",
      "-f",
      "-o",
      "/o/dom0.img",
      "/o/dom0.cpio",
    ]);
    expect(zstdArgv(3, "a", "b")[1]).toBe("-3");
  });

  it.each([
    ["boot/xen-4.17-amd64.gz", true],
    ["boot/grub/grub.cfg", true],
    ["boot", false],
    ["bootstrap", false],
    ["usr/lib/xen-4.17/boot/hvmloader", false],
  ])("leaves %s out of the initrd: %s", (path, out) => expect(excludeFromInitrd(path)).toBe(out));

  it("picks the hypervisor and the kernel out of /boot", () => {
    expect(pickOne(BOOT, XEN_PATTERN, "xen-*.gz", "/boot")).toBe("xen-4.17-amd64.gz");
    expect(pickOne(BOOT, KERNEL_PATTERN, "vmlinuz-*", "/boot")).toBe("vmlinuz-6.1.0-56-amd64");
  });

  it.each([
    [[], "expected exactly one vmlinuz-* in /r/boot, found none"],
    [
      ["vmlinuz-6.1.0-55-amd64", "vmlinuz-6.1.0-56-amd64"],
      "found vmlinuz-6.1.0-55-amd64, vmlinuz-6.1.0-56-amd64",
    ],
  ])("says what it found in %j", (names, message) => {
    const run = () => pickOne(names, KERNEL_PATTERN, "vmlinuz-*", "/r/boot");
    expect(run).toThrow(UserError);
    expect(run).toThrow(message);
  });

  it("defaults the level to 9 and hashes the skeleton", () => {
    const o = dom0Initrd.options.parse(OK);
    expect(o.level).toBe(9);
    expect(dom0Initrd.inputs(o)).toEqual(["/src/initrd-skel/dom0"]);
    expect(dom0Initrd.consumes).toEqual(["dom0"]);
    expect(dom0Initrd.tools).toEqual(["zstd"]);
  });

  it.each([
    [{ ...OK, level: 0 }, ["level"], "greater than or equal to 1"],
    [{ ...OK, level: 20 }, ["level"], "less than or equal to 19"],
    [{ ...OK, level: 3.5 }, ["level"], "Expected integer"],
    [{ ...OK, skel: "initrd-skel/dom0" }, ["skel"], "must be an absolute path"],
    [{ skel: OK.skel }, ["epoch"], "Required"],
    [{ ...OK, extra: 1 }, [], "Unrecognized key(s) in object: 'extra'"],
  ])("rejects %j at %j", (bad, path, message) => {
    const r = dom0Initrd.options.safeParse(bad);
    expect(r.success).toBe(false);
    expect(r.error!.issues[0]!.path).toEqual(path);
    expect(r.error!.issues[0]!.message).toContain(message);
  });
});
