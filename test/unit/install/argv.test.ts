import { describe, expect, it } from "vitest";
import {
  losetupArgv,
  mcopyArgv,
  mkfsExt4Argv,
  mkfsVfatArgv,
  mmdArgv,
  sfdiskArgv,
  tarCheckpointBytes,
  tarExtractProgressArgv,
  overlayMountArgv,
  useraddArgv,
} from "../../../src/install/argv.ts";
import { qemuImgCheckArgv, qemuImgConvertArgv } from "../../../src/install/qemu-img.ts";

describe("installer argv", () => {
  it("partitions and wipes whatever signatures were there", () => {
    expect(sfdiskArgv("/x/d.img")).toEqual([
      "sfdisk",
      "--quiet",
      "--wipe",
      "always",
      "--wipe-partitions",
      "always",
      "/x/d.img",
    ]);
  });

  it("loops only the byte range of a partition of the target", () => {
    expect(losetupArgv("/x/d.img", 69206016, 1000)).toEqual([
      "losetup",
      "--find",
      "--show",
      "--offset",
      "69206016",
      "--sizelimit",
      "1000",
      "/x/d.img",
    ]);
  });

  it("ext4 with our UUID and without features GRUB 2.06 cannot read", () => {
    const a = mkfsExt4Argv("/dev/loop3", "u-u-i-d");
    expect(a).toEqual(
      expect.arrayContaining(["-U", "u-u-i-d", "-O", "^orphan_file,^metadata_csum_seed", "/dev/loop3"]),
    );
  });

  it("FAT32 at the ESP's sector offset, one sector per cluster, size in KiB", () => {
    const a = mkfsVfatArgv("/x/d.img", 4096 * 512, 64 * 2 ** 20, "ABCD1234");
    expect(a.slice(0, 4)).toEqual(["mkfs.vfat", "-I", "-F", "32"]);
    expect(a).toEqual(
      expect.arrayContaining(["-s", "1", "-h", "4096", "-i", "ABCD1234", "--offset", "4096"]),
    );
    expect(a.slice(-2)).toEqual(["/x/d.img", "65536"]);
  });

  it("mtools address the FAT inside the target by byte offset", () => {
    expect(mmdArgv("/x/d.img", 2097152, ["EFI", "EFI/BOOT"])).toEqual([
      "mmd",
      "-i",
      "/x/d.img@@2097152",
      "::/EFI",
      "::/EFI/BOOT",
    ]);
    expect(mcopyArgv("/x/d.img", 2097152, "/w/g.efi", "EFI/BOOT/BOOTX64.EFI")).toEqual([
      "mcopy",
      "-i",
      "/x/d.img@@2097152",
      "/w/g.efi",
      "::/EFI/BOOT/BOOTX64.EFI",
    ]);
  });

  it("unpacks tarballs with numeric owners and xattrs, and reads tar's checkpoints as bytes", () => {
    expect(tarExtractProgressArgv("/s/rootfs.tar", "/m")).toEqual(
      expect.arrayContaining([
        "--numeric-owner",
        "--xattrs",
        "--xattrs-include=*",
        "--file=/s/rootfs.tar",
        "--directory=/m",
        "--checkpoint=2000",
      ]),
    );
    expect(tarCheckpointBytes("CHECKPOINT 4000")).toBe(4000 * 10240);
    expect(tarCheckpointBytes("some other line")).toBeNull();
  });

  it("stacks layers read-only, top first", () => {
    expect(overlayMountArgv(["/w/l2", "/w/l1", "/w/l0"], "/w/m")).toEqual([
      "mount",
      "-t",
      "overlay",
      "-o",
      "ro,lowerdir=/w/l2:/w/l1:/w/l0",
      "overlay",
      "/w/m",
    ]);
  });

  it("useradd stores the hash as given, groups only when asked", () => {
    expect(useraddArgv("ann", "$6$s$h", [])).toEqual([
      "useradd",
      "--create-home",
      "--shell",
      "/bin/bash",
      "--password",
      "$6$s$h",
      "ann",
    ]);
    expect(useraddArgv("ann", "$6$s$h", ["sudo"])).toContain("sudo");
  });

  it("qemu-img: compressed qcow2, stream-optimized vmdk, plain vdi, each checked", () => {
    expect(qemuImgConvertArgv("/d/disk.raw", "qcow2", "/d/disk.qcow2")).toEqual([
      "qemu-img",
      "convert",
      "-f",
      "raw",
      "-O",
      "qcow2",
      "-c",
      "-o",
      "compat=1.1",
      "/d/disk.raw",
      "/d/disk.qcow2",
    ]);
    expect(qemuImgConvertArgv("/d/disk.raw", "vmdk", "/o.vmdk")).toEqual([
      "qemu-img",
      "convert",
      "-f",
      "raw",
      "-O",
      "vmdk",
      "-o",
      "subformat=streamOptimized",
      "/d/disk.raw",
      "/o.vmdk",
    ]);
    expect(qemuImgConvertArgv("/d/disk.raw", "vdi", "/o.vdi")).toEqual([
      "qemu-img",
      "convert",
      "-f",
      "raw",
      "-O",
      "vdi",
      "/d/disk.raw",
      "/o.vdi",
    ]);
    expect(qemuImgCheckArgv("/o.vdi", "vdi")).toEqual(["qemu-img", "check", "-f", "vdi", "/o.vdi"]);
  });
});
