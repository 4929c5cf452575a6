import { mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { diskChoices, readSysDisks, usedDevices } from "../../../../src/dom0/broker/disks.ts";

/** A /sys/block tree as the kernel lays it out: files per disk, a `device` link, partition dirs. */
async function sysTree(root: string, disks: Record<string, Record<string, string>>): Promise<void> {
  const devices = join(root, "devices");
  for (const [name, files] of Object.entries(disks)) {
    const dir = join(root, "block", name);
    await mkdir(join(dir, "holders"), { recursive: true });
    for (const [f, v] of Object.entries(files)) {
      if (f.startsWith("device/")) {
        await mkdir(join(devices, name), { recursive: true });
        await writeFile(join(devices, name, f.slice(7)), `${v}\n`);
      } else {
        await mkdir(join(dir, f, ".."), { recursive: true });
        await writeFile(join(dir, f), `${v}\n`);
      }
    }
    if (Object.keys(files).some((f) => f.startsWith("device/")))
      await symlink(join(devices, name), join(dir, "device"));
  }
}

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "ld-disks-"));
  await sysTree(root, {
    // the PC's SATA disk with two partitions
    sda: {
      size: "976773168",
      removable: "0",
      ro: "0",
      "device/vendor": "ATA     ",
      "device/model": "Samsung SSD 860 ",
      "sda1/partition": "1",
      "sda2/partition": "2",
    },
    // the USB stick the medium was found on
    sdb: {
      size: "60062500",
      removable: "1",
      ro: "0",
      "device/vendor": "SanDisk",
      "device/model": "Cruzer",
      "sdb1/partition": "1",
    },
    vda: { size: "8388608", removable: "0", ro: "0", "device/vendor": "0x1af4" },
    vdb: { size: "2097152", removable: "0", ro: "0" },
    nvme0n1: {
      size: "1000215216",
      removable: "0",
      ro: "0",
      "device/model": "WDC PC SN730",
      "nvme0n1p1/partition": "1",
    },
    loop0: { size: "100", removable: "0", ro: "1", "device/model": "x" },
    sr0: { size: "1000", removable: "1", ro: "0", "device/model": "QEMU DVD-ROM" },
  });
  // vdb: a bare disk without a device link is a virtual device (as loop is): left out
  await mkdir(join(root, "block", "nvme0n1", "nvme0n1p1", "holders", "dm-0"), { recursive: true });
});
afterAll(() => rm(root, { recursive: true, force: true }));

describe("readSysDisks", () => {
  it("lists backed disks with model, size, partitions and holders; skips loop, optical and unbacked ones", async () => {
    const disks = await readSysDisks(join(root, "block"));
    expect(disks.map((d) => d.name)).toEqual(["nvme0n1", "sda", "sdb", "vda"]);
    const sda = disks.find((d) => d.name === "sda")!;
    expect(sda).toEqual({
      name: "sda",
      sizeBytes: 976773168 * 512,
      model: "ATA Samsung SSD 860",
      removable: false,
      readOnly: false,
      partitions: ["sda1", "sda2"],
      holders: [],
    });
    expect(disks.find((d) => d.name === "vda")!.model).toBe("unknown model");
    expect(disks.find((d) => d.name === "nvme0n1")!.holders).toEqual(["dm-0"]);
  });
});

describe("usedDevices", () => {
  it("reads mount and swap sources, skipping non-device sources and the swaps header", () => {
    const u = usedDevices(
      "proc /proc proc rw 0 0\n/dev/sr0 /run/medium iso9660 ro 0 0\n/dev/loop0 /run/livedeck/node squashfs ro 0 0\n",
      "Filename Type Size Used Priority\n/dev/sda2 partition 1000 0 -2\n",
    );
    expect([...u.mounted]).toEqual(["sr0", "loop0"]);
    expect([...u.swap]).toEqual(["sda2"]);
  });
});

describe("diskChoices", () => {
  it("refuses the medium's disk, mounted, swapping, stacked, read-only and small disks, saying why", async () => {
    const disks = await readSysDisks(join(root, "block"));
    disks.push({
      name: "sdc",
      sizeBytes: 64e9,
      model: "RO",
      removable: false,
      readOnly: true,
      partitions: [],
      holders: [],
    });
    const choices = diskChoices(
      {
        disks,
        procMounts: "/dev/sda1 /mnt ext4 rw 0 0\n",
        procSwaps: "Filename\n/dev/sda2 partition 1 0 -2\n",
        mediumDevice: "/dev/sdb1",
      },
      8e9,
      "jeos",
    );
    const by = Object.fromEntries(choices.map((c) => [c.name, c.refusals]));
    expect(by).toEqual({
      nvme0n1: ["is in use by dm-0"],
      sda: ["has a mounted filesystem (sda1)", "is used as swap (sda2)"],
      sdb: ["holds the boot medium"],
      vda: ["is too small: jeos needs 8.0 GB"],
      sdc: ["is read-only"],
    });
    expect(choices.find((c) => c.name === "sda")!.path).toBe("/dev/sda");
  });

  it("offers a free disk big enough, and the medium's whole disk is refused too", () => {
    const d = {
      name: "vda",
      sizeBytes: 16e9,
      model: "m",
      removable: false,
      readOnly: false,
      partitions: [],
      holders: [],
    };
    expect(
      diskChoices({ disks: [d], procMounts: "", procSwaps: "", mediumDevice: "/dev/sr0" }, 8e9, "x")[0]!
        .refusals,
    ).toEqual([]);
    expect(
      diskChoices({ disks: [d], procMounts: "", procSwaps: "", mediumDevice: "/dev/vda" }, 8e9, "x")[0]!
        .refusals,
    ).toEqual(["holds the boot medium"]);
  });
});
