import { createHash } from "node:crypto";
import { mkdir, readFile, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { refuseDevice } from "../../src/tools/blockdev.ts";
import { deviceFacts } from "../../src/tools/blockdev-facts.ts";
import { requireTools } from "../../src/tools/doctor.ts";
import { exec } from "../../src/tools/exec.ts";
import { readBackSha256, writeImage, type WriteProgress } from "../../src/tools/image-writer.ts";
import { livedeck } from "../helpers/cli.ts";
import { scratch } from "../helpers/scratch.ts";

/**
 * `livedeck usb write` on real devices of this machine that it must refuse: a loop device (attached
 * read-only, so nothing could land on it), a plain file, a character device, the system's disk.
 * (Partitions: this machine's loop driver does not scan partition tables; the unit tests cover them.)
 * The writer itself is tested on a file target. It never writes to a real disk of this machine: a
 * positive write to a removable stick needs real hardware.
 */
const sha = async (f: string) =>
  createHash("sha256")
    .update(await readFile(f))
    .digest("hex");
const newDir = scratch("livedeck-usb-");
const loops: string[] = [];

let dir: string;
let iso: string;

afterAll(async () => {
  // detach every loop device this file attached, even when a test failed
  for (const l of loops) await exec(["losetup", "--detach", l], { stage: "test" }).catch(() => undefined);
});

beforeAll(async () => {
  await requireTools(
    ["losetup", "lsblk", "findmnt", "blockdev", "grub-mkrescue", "xorriso", "mformat"],
    "the usb write tests",
  );
  dir = await newDir();
  await mkdir(join(dir, "tree"));
  await writeFile(join(dir, "tree", "hello.txt"), "a small hybrid ISO for the usb write tests\n");
  iso = join(dir, "small.iso");
  // grub-mkrescue makes a hybrid ISO with a partition table, as the iso stage does
  await exec(["grub-mkrescue", "-o", iso, join(dir, "tree")], { stage: "test" });
}, 60_000);

async function attach(file: string): Promise<string> {
  const r = await exec(["losetup", "--find", "--show", "--read-only", file], { stage: "test" });
  const dev = r.stdout.trim();
  loops.push(dev);
  return dev;
}

const refused = async (device: string, message: RegExp) => {
  const r = await livedeck(["usb", "write", iso, device, "--yes", "--device-serial", "0000"]);
  expect(r.exitCode, String(r.stderr)).toBe(2);
  expect(String(r.stderr)).toMatch(message);
  expect(String(r.stderr)).toContain("nothing was written");
  return r;
};

describe("usb write refuses", () => {
  it("a whole loop device, leaving its file untouched", async () => {
    const file = join(dir, "loop-whole.img");
    await writeFile(file, Buffer.alloc(64 * 2 ** 20));
    const before = await sha(file);
    const dev = await attach(file);
    await refused(
      dev,
      new RegExp(`error: ${dev} is a loop device \\(a file posing as a disk\\), not a removable disk`),
    );
    expect(await sha(file)).toBe(before);
  });

  it("a plain file, which it neither creates nor changes", async () => {
    const file = join(dir, "target.img");
    await refused(file, /target\.img: no such device/);
    await expect(stat(file)).rejects.toThrow(/ENOENT/);
    await writeFile(file, "keep me\n");
    await refused(file, /is a regular file, not a block device/);
    expect(await readFile(file, "utf8")).toBe("keep me\n");
  });

  it("a character device and a missing device", async () => {
    await refused("/dev/null", /error: \/dev\/null is not a block device/);
    await refused(join(dir, "no-such-dev"), /no such device/);
  });

  it("the disk this machine runs from, by the facts read from /sys, lsblk and findmnt (nothing is written: no writer runs)", async () => {
    const root = (
      await exec(["findmnt", "--noheadings", "--output", "SOURCE", "--mountpoint", "/"], { stage: "test" })
    ).stdout.trim();
    expect(root, "this test needs / on a block device").toMatch(/^\/dev\//);
    const disk = (
      await exec(["lsblk", "--noheadings", "--inverse", "--list", "--output", "NAME,TYPE", root], {
        stage: "test",
      })
    ).stdout
      .split("\n")
      .map((l) => l.trim().split(/\s+/))
      .find(([, type]) => type === "disk")![0]!;
    const facts = await deviceFacts(`/dev/${disk}`);
    expect(facts.systemDisks).toContain(disk);
    expect(refuseDevice(facts, 1)?.message).toMatch(new RegExp(`^/dev/${disk} holds the running system`));
  });
});

describe("the writer (after the checks) on a file target", () => {
  it("writes the image from offset 0, fsyncs, reads it back and reports progress", async () => {
    const target = join(dir, "stick.img");
    // a "stick" larger than the image, full of 0xff: only the image's range is compared
    await writeFile(target, Buffer.alloc(32 * 2 ** 20, 0xff));
    const seen: WriteProgress[] = [];
    const r = await writeImage(iso, target, { blockDevice: false, onProgress: (p) => seen.push(p) });
    const isoBytes = (await stat(iso)).size;
    expect(r.bytes).toBe(isoBytes);
    expect(r.sha256).toBe(await sha(iso));
    const written = await readFile(target);
    expect(written.length).toBe(32 * 2 ** 20);
    expect(createHash("sha256").update(written.subarray(0, isoBytes)).digest("hex")).toBe(r.sha256);
    expect(written[isoBytes]).toBe(0xff);
    expect(seen.find((p) => p.phase === "write" && p.bytes === isoBytes)).toBeTruthy();
    expect(seen.find((p) => p.phase === "verify" && p.bytes === isoBytes)).toBeTruthy();
    expect(seen.every((p) => p.rate > 0)).toBe(true);
  });

  it("the read-back tells a changed byte in the written range", async () => {
    const target = join(dir, "stick.img");
    const isoBytes = (await stat(iso)).size;
    const good = await readBackSha256(target, isoBytes);
    expect(good).toBe(await sha(iso));
    const data = await readFile(target);
    data[isoBytes - 1] = data[isoBytes - 1]! ^ 1;
    await writeFile(target, data);
    expect(await readBackSha256(target, isoBytes)).not.toBe(good);
  });
});
