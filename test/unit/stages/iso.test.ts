import { describe, expect, it } from "vitest";
import iso, {
  fatSerial,
  grubMkrescueArgv,
  grubMkrescueEnv,
  IsoOptions,
  isoUuid,
  markerText,
  mformatWrapper,
  treeFiles,
} from "../../../src/stages/iso.ts";

const opts = IsoOptions.parse({ label: "LIVEDECK", epoch: 1700000000, memtest: true, dom0MemoryMiB: 1536 });

describe("iso stage", () => {
  it("builds grub-mkrescue argv: output, tree, then xorriso's label and fixed dates", () => {
    expect(grubMkrescueArgv(opts, { iso: "/o/livedeck.iso", tree: "/o/work/tree" })).toEqual([
      "grub-mkrescue",
      "-o",
      "/o/livedeck.iso",
      "/o/work/tree",
      "--",
      "-volid",
      "LIVEDECK",
      ...["-volume_date", "c", "=1700000000", "-volume_date", "m", "=1700000000"],
      ...["-volume_date", "all_file_dates", "=1700000000", "-volume_date", "uuid", "2023111422132000"],
    ]);
  });

  it("turns the epoch into xorriso's UTC volume uuid", () => {
    expect(isoUuid(0)).toBe("1970010100000000");
    expect(isoUuid(1700000000)).toBe("2023111422132000");
  });

  it("pins SOURCE_DATE_EPOCH, keeps temp files in the work dir, puts the mformat wrapper first", () => {
    expect(grubMkrescueEnv(opts, { bin: "/w/bin", tmp: "/w/tmp", path: "/usr/bin:/bin" })).toEqual({
      SOURCE_DATE_EPOCH: "1700000000",
      TMPDIR: "/w/tmp",
      PATH: "/w/bin:/usr/bin:/bin",
      TZ: "UTC",
    });
  });

  it("gives the EFI image a FAT serial that depends only on label and epoch", () => {
    expect(fatSerial(opts)).toMatch(/^[0-9a-f]{8}$/);
    expect(fatSerial(opts)).toBe(fatSerial({ ...opts }));
    expect(fatSerial({ ...opts, epoch: 1700000001 })).not.toBe(fatSerial(opts));
    expect(mformatWrapper("/usr/bin/mformat", "0badcafe")).toBe(
      "#!/bin/sh\n# livedeck: a fixed FAT serial, so the ISO is reproducible\nexec '/usr/bin/mformat' -N 0badcafe \"$@\"\n",
    );
  });

  it("lays out menu, Xen, dom0 and memtest86+ under boot/, the guests tree at the root", () => {
    const dirs = { menu: "/m", dom0: "/d", guests: "/g" };
    expect(treeFiles(opts, dirs, ["livedeck/layers/b.squashfs", "livedeck/guests.list"])).toEqual([
      ["boot/grub/grub.cfg", "/m/grub.cfg"],
      ["boot/xen.gz", "/d/xen.gz"],
      ["boot/vmlinuz", "/d/vmlinuz"],
      ["boot/dom0.img", "/d/dom0.img"],
      ["boot/memtest86+x64.bin", "/boot/memtest86+x64.bin"],
      ["boot/memtest86+x64.efi", "/boot/memtest86+x64.efi"],
      ["livedeck/guests.list", "/g/tree/livedeck/guests.list"],
      ["livedeck/layers/b.squashfs", "/g/tree/livedeck/layers/b.squashfs"],
    ]);
    expect(treeFiles({ ...opts, memtest: false }, dirs, []).map(([p]) => p)).not.toContain(
      "boot/memtest86+x64.bin",
    );
    expect(markerText(opts)).toBe("livedeck medium\nlabel=LIVEDECK\ndom0_memory_mib=1536\n");
  });

  it("hashes the memtest86+ images only when it ships them", () => {
    expect(iso.inputs(opts)).toEqual(["/boot/memtest86+x64.bin", "/boot/memtest86+x64.efi"]);
    expect(iso.inputs({ ...opts, memtest: false })).toEqual([]);
    expect(iso.consumes).toEqual(["menu", "dom0", "guests"]);
  });

  it.each([
    [
      "a lower-case label",
      { label: "livedeck" },
      "label",
      "must be 1-32 upper-case letters, digits or '_' (ISO volume id)",
    ],
    ["a 33-character label", { label: "A".repeat(33) }, "label", "must be 1-32 upper-case letters"],
    ["an epoch before 1980", { epoch: 0 }, "epoch", "must be a Unix time from 1980 on"],
    ["a fractional epoch", { epoch: 1.5 }, "epoch", "Expected integer, received float"],
    ["memtest as a string", { memtest: "yes" }, "memtest", "Expected boolean, received string"],
  ])("rejects %s", (_, patch, key, message) => {
    const r = IsoOptions.safeParse({ ...opts, ...patch });
    expect(r.success).toBe(false);
    expect(r.error!.issues[0]!.path).toEqual([key]);
    expect(r.error!.issues[0]!.message).toContain(message);
  });

  it("rejects unknown options", () => {
    const r = IsoOptions.safeParse({ ...opts, volid: "X" });
    expect(r.error!.issues[0]!.message).toBe("Unrecognized key(s) in object: 'volid'");
  });
});
