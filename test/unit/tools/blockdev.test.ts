import { describe, expect, it } from "vitest";
import { confirmation, refuseDevice, typedMatches, type DeviceFacts } from "../../../src/tools/blockdev.ts";

/**
 * Facts as src/tools/blockdev-facts.ts reads them from /sys, lsblk and findmnt, recorded for the
 * kinds of device a person might name by mistake.
 */
const GiB = 2 ** 30;
const ISO = 130 * 2 ** 20;
const stick: DeviceFacts = {
  path: "/dev/sdb",
  realPath: "/dev/sdb",
  kind: "block",
  name: "sdb",
  partition: false,
  removable: true,
  hotplug: true,
  transport: "usb",
  sizeBytes: 8 * GiB,
  readOnly: false,
  serial: "4C530001230918117452",
  model: "Cruzer Blade",
  mounts: [],
  holders: [],
  systemDisks: ["nvme0n1"],
};
const dev = (patch: Partial<DeviceFacts>): DeviceFacts => ({ ...stick, ...patch });

describe("refuseDevice", () => {
  it("accepts a whole, unmounted USB stick larger than the ISO", () => {
    expect(refuseDevice(stick, ISO)).toBeNull();
  });

  it("accepts a USB stick whose reader reports removable=0 but is hot-plugged on USB", () => {
    expect(refuseDevice(dev({ removable: false }), ISO)).toBeNull();
    expect(refuseDevice(dev({ removable: false, transport: "", hotplug: true }), ISO)).toBeNull();
  });

  it.each<[string, Partial<DeviceFacts>, RegExp]>([
    ["a missing path", { kind: "missing", path: "/dev/sdz" }, /^\/dev\/sdz: no such device$/],
    [
      "a regular file",
      { kind: "file", path: "/tmp/x.img" },
      /^\/tmp\/x\.img is a regular file, not a block device$/,
    ],
    ["a character device", { kind: "other", path: "/dev/null" }, /^\/dev\/null is not a block device$/],
    [
      "a partition",
      { path: "/dev/sdb1", name: "sdb1", partition: true, parent: "sdb" },
      /^\/dev\/sdb1 is a partition of \/dev\/sdb/,
    ],
    [
      "a partition of a loop device",
      { path: "/dev/loop3p1", name: "loop3p1", partition: true, parent: "loop3" },
      /is a partition of \/dev\/loop3/,
    ],
    [
      "a loop device",
      { path: "/dev/loop0", name: "loop0", transport: "", hotplug: false, removable: false },
      /is a loop device/,
    ],
    ["a loop device even if it looked removable", { path: "/dev/loop7", name: "loop7" }, /is a loop device/],
    [
      "a device-mapper device",
      { path: "/dev/mapper/vg-root", realPath: "/dev/dm-0", name: "dm-0" },
      /is a device-mapper device/,
    ],
    ["a RAID device", { path: "/dev/md0", name: "md0" }, /software RAID/],
    ["a RAM disk", { path: "/dev/zram0", name: "zram0" }, /RAM disk/],
    ["an optical drive", { path: "/dev/sr0", name: "sr0" }, /optical drive/],
    [
      "the disk holding / (by lsblk -s from findmnt)",
      {
        path: "/dev/vda",
        name: "vda",
        removable: false,
        hotplug: false,
        transport: "",
        systemDisks: ["vda"],
      },
      /^\/dev\/vda holds the running system/,
    ],
    [
      "a USB disk the system runs from",
      {
        mounts: [
          { source: "/dev/sdb2", target: "/" },
          { source: "/dev/sdb1", target: "/boot/efi" },
        ],
      },
      /^\/dev\/sdb holds the running system \(\/dev\/sdb2 on \/, \/dev\/sdb1 on \/boot\/efi\)/,
    ],
    [
      "a disk with swap on it",
      { mounts: [{ source: "/dev/sdb3", target: "[SWAP]" }] },
      /holds the running system/,
    ],
    [
      "an internal SATA disk, not mounted",
      { path: "/dev/sda", name: "sda", removable: false, hotplug: false, transport: "sata" },
      /^\/dev\/sda is not a removable device \(removable=0, hotplug=0, transport sata\)/,
    ],
    [
      "an NVMe disk",
      { path: "/dev/nvme1n1", name: "nvme1n1", removable: false, hotplug: false, transport: "nvme" },
      /not a removable device/,
    ],
    [
      "a stick with a mounted partition",
      { mounts: [{ source: "/dev/sdb1", target: "/media/user/STICK" }] },
      /^\/dev\/sdb has mounted filesystems: \/dev\/sdb1 on \/media\/user\/STICK$/,
    ],
    ["a stick with an open LUKS mapping", { holders: ["dm-3"] }, /is in use by dm-3/],
    ["a write-protected stick", { readOnly: true }, /is read-only/],
    ["a card reader without a card", { sizeBytes: 0 }, /has no medium/],
    [
      "a stick smaller than the ISO",
      { sizeBytes: 64 * 2 ** 20 },
      /^\/dev\/sdb is too small: 64 MiB for an ISO of 130 MiB$/,
    ],
  ])("refuses %s", (_what, patch, message) => {
    const r = refuseDevice(dev(patch), ISO);
    expect(r?.message).toMatch(message);
    expect(r?.hint).toBeTruthy();
  });

  it("names the whole disk in the hint for a partition", () => {
    expect(
      refuseDevice(dev({ path: "/dev/sdb1", name: "sdb1", partition: true, parent: "sdb" }), ISO)?.hint,
    ).toMatch(/^write to \/dev\/sdb /);
  });
});

describe("confirmation", () => {
  it("asks on a terminal when --yes is not given", () => {
    expect(confirmation(stick, { yes: false, tty: true })).toBe("ask");
  });

  it("takes --yes only with the device's own serial", () => {
    expect(confirmation(stick, { yes: true, deviceSerial: "4C530001230918117452", tty: false })).toBe(
      "given",
    );
  });

  it.each<[string, DeviceFacts, Parameters<typeof confirmation>[1], RegExp]>([
    [
      "no terminal and no --yes",
      stick,
      { yes: false, tty: false },
      /^no terminal to confirm on, and no --yes$/,
    ],
    ["--yes without --device-serial", stick, { yes: true, tty: true }, /^--yes needs --device-serial/],
    [
      "--device-serial without --yes",
      stick,
      { yes: false, deviceSerial: "4C530001230918117452", tty: true },
      /only read together with --yes/,
    ],
    [
      "a serial that does not match",
      stick,
      { yes: true, deviceSerial: "4C53000", tty: false },
      /^--device-serial 4C53000 does not match \/dev\/sdb, whose serial is 4C530001230918117452$/,
    ],
    [
      "--yes on a device without a serial",
      dev({ serial: undefined }),
      { yes: true, deviceSerial: "x", tty: false },
      /reports no serial number/,
    ],
  ])("refuses %s", (_what, d, c, message) => {
    const r = confirmation(d, c);
    expect(typeof r).toBe("object");
    expect((r as { message: string }).message).toMatch(message);
  });

  it("the hint for a missing serial names the device's serial", () => {
    expect((confirmation(stick, { yes: false, tty: false }) as { hint: string }).hint).toBe(
      "run it on a terminal, or pass --yes --device-serial 4C530001230918117452",
    );
  });
});

describe("typedMatches", () => {
  const byId = dev({ path: "/dev/disk/by-id/usb-SanDisk_Cruzer", realPath: "/dev/sdb" });
  it("accepts exactly the name given or the device it resolves to", () => {
    expect(typedMatches(byId, "/dev/disk/by-id/usb-SanDisk_Cruzer")).toBe(true);
    expect(typedMatches(byId, "/dev/sdb\n")).toBe(true);
  });
  it.each(["sdb", "/dev/sdb1", "/dev/sdc", "yes", ""])("refuses %j", (typed) => {
    expect(typedMatches(byId, typed)).toBe(false);
  });
});
