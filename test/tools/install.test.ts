import { execa } from "execa";
import { mkdir, open, readFile, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { install } from "../../src/install/install.ts";
import type { InstallRequest } from "../../src/install/api.ts";
import { PART_TYPES } from "../../src/install/layout.ts";
import { writeTree } from "../../src/install/root-tree.ts";
import { InstallSession } from "../../src/install/session.ts";
import { mountsUnder } from "../../src/tools/chroot.ts";
import { requireTools } from "../../src/tools/doctor.ts";
import { STAGES } from "../../src/stages/index.ts";
import { prepare } from "../../src/pipeline/prepare.ts";
import { TEST_STORE } from "../helpers/ci-iso.ts";
import { CLI, livedeck } from "../helpers/cli.ts";
import { exportImages, installDebian, installableCiDeck, type InstalledImage } from "../helpers/install-deck.ts";
import { scratch } from "../helpers/scratch.ts";
import { writeRootfsTar } from "../helpers/tars.ts";

/**
 * The installer with real tools on image files (and a loop device of one): the CI deck's Debian
 * flavour installed and read back without mounting (sfdisk, blkid, debugfs, mtools), its exports
 * checked by qemu-img, and failures that must leave nothing behind.
 */
const tmp = scratch("livedeck-install-");
const sh = (argv: string[], input?: string) => execa(argv[0]!, argv.slice(1), { input, reject: false });
let deck: string;
let dir: string;

/** Runs `fn` with a read-only loop device of the root partition of `image`. */
async function withRootLoop<T>(image: string, fn: (dev: string) => Promise<T>): Promise<T> {
  const pt = JSON.parse((await sh(["sfdisk", "--json", image])).stdout).partitiontable;
  const root = pt.partitions[2];
  const dev = (
    await sh([
      "losetup",
      "--find",
      "--show",
      "--read-only",
      "--offset",
      String(root.start * 512),
      "--sizelimit",
      String(root.size * 512),
      image,
    ])
  ).stdout.trim();
  try {
    return await fn(dev);
  } finally {
    await sh(["losetup", "--detach", dev]);
  }
}

const debugfsCat = (dev: string, path: string) =>
  execa("debugfs", ["-R", `cat ${path}`, dev], { stripFinalNewline: false }).then((r) => r.stdout);

beforeAll(async () => {
  await requireTools(
    [...STAGES.disk!.tools, "qemu-img", "grub-script-check", "debugfs", "blkid", "mdir", "mksquashfs"],
    "the installer tests",
  );
  ({ deck } = await installableCiDeck());
  dir = await tmp();
});

describe("livedeck install into an image file", () => {
  let r: InstalledImage;
  let image: string;

  it("writes the GPT, both filesystems with the reported UUIDs, GRUB for BIOS and UEFI, the marker", async () => {
    image = join(dir, "deb.img");
    r = await installDebian(deck, image, ["--hostname", "toolbox", "--user", "ann"]);
    console.log(`install: ${r.seconds.toFixed(1)} s, ${(r.rootUsedBytes / 2 ** 20).toFixed(0)} MiB on root`);
    const pt = JSON.parse((await sh(["sfdisk", "--json", image])).stdout).partitiontable;
    expect(pt.label).toBe("gpt");
    expect(pt.partitions.map((p: { type: string }) => p.type)).toEqual([
      PART_TYPES.bios,
      PART_TYPES.esp,
      PART_TYPES.root,
    ]);
    const probe = async (i: number) => {
      const p = pt.partitions[i];
      const out = (
        await sh([
          "blkid",
          "-p",
          "-O",
          String(p.start * 512),
          "-S",
          String(p.size * 512),
          "-o",
          "export",
          image,
        ])
      ).stdout;
      return Object.fromEntries(out.split("\n").map((l) => l.split("=") as [string, string]));
    };
    expect(await probe(2)).toMatchObject({ TYPE: "ext4", UUID: r.ids.rootUuid });
    expect(await probe(1)).toMatchObject({ TYPE: "vfat", UUID: r.ids.espUuid });

    const head = Buffer.alloc(512);
    const fh = await open(image, "r");
    await fh.read(head, 0, 512, 0).finally(() => fh.close());
    expect(head.readBigUInt64LE(0x5c)).toBe(2048n); // the MBR points at core.img in the BIOS boot partition
    expect(head.readUInt16LE(0x1fe)).toBe(0xaa55);
    const env = { ...process.env, MTOOLS_SKIP_CHECK: "1" };
    const esp = `${image}@@${pt.partitions[1].start * 512}`;
    const efi = await execa("mdir", ["-i", esp, "-b", "::/EFI/BOOT"], { env });
    expect(efi.stdout).toMatch(/BOOTX64\.EFI/);

    await withRootLoop(image, async (dev) => {
      expect(await debugfsCat(dev, "/etc/livedeck-installed")).toBe(
        `flavour=debian\nkernel=${r.ids.kernel}\nxen=no\n`,
      );
      expect(await debugfsCat(dev, "/etc/hostname")).toBe("toolbox\n");
      expect(await debugfsCat(dev, "/etc/fstab")).toContain(`UUID=${r.ids.rootUuid} / ext4`);
      expect(await debugfsCat(dev, "/etc/passwd")).toMatch(/^ann:x:\d+:\d+::\/home\/ann:\/bin\/bash$/m);
      expect(await debugfsCat(dev, "/etc/shadow")).toMatch(/^ann:\$6\$livedeck\.export\$/m);
      const cfg = join(dir, "grub.cfg");
      await writeFile(cfg, await debugfsCat(dev, "/boot/grub/grub.cfg"));
      expect((await sh(["grub-script-check", cfg])).exitCode).toBe(0);
      expect(await readFile(cfg, "utf8")).toContain(`root=UUID=${r.ids.rootUuid}`);
    });
  });

  it("installs to a whole disk too (dom0's case; a loop device of a test file here)", async () => {
    const prepared = await prepare({
      deck,
      store: TEST_STORE,
      formats: [],
      install: { flavour: "debian", xen: false },
    });
    const root = prepared.steps.find((s) => s.key === "layer:debian+install")!; // built by the test above
    const work = await tmp();
    const backing = join(work, "disk.bin");
    await writeFile(backing, "");
    await sh(["truncate", "-s", "2G", backing]);
    const dev = (await sh(["losetup", "--find", "--show", backing])).stdout.trim();
    try {
      const r = await install(
        {
          flavour: "debian",
          hostname: "diskbox",
          user: "ann",
          passwordHash: "$6$salt1234$abcdefghijklmnop",
          withXen: false,
          target: { kind: "device", path: dev },
        },
        { source: { kind: "tar", path: join(prepared.store.outDir(root.id), "rootfs.tar") }, workDir: work },
      );
      expect(r.ok, JSON.stringify(r)).toBe(true);
      const pt = JSON.parse((await sh(["sfdisk", "--json", dev])).stdout).partitiontable;
      expect(pt.partitions).toHaveLength(3);
      expect(await mountsUnder(work)).toEqual([]);
    } finally {
      await sh(["losetup", "--detach", dev]);
    }
    await withRootLoop(backing, async (d) => expect(await debugfsCat(d, "/etc/hostname")).toBe("diskbox\n"));
  });

  it("refuses a flavour that is not installable, before writing anything", async () => {
    const out = join(dir, "micro.img");
    const x = await livedeck(["install", deck, "--flavour", "micro", "--image", out, "--store", TEST_STORE]);
    expect(x.exitCode).toBe(2);
    expect(String(x.stderr)).toMatch(/flavour micro is not installable/);
    await expect(stat(out)).rejects.toThrow();
  });
});

describe("livedeck export --format raw qcow2 vmdk vdi", () => {
  it("converts the installed raw disk to every format, each passing qemu-img check", async () => {
    const out = join(dir, "out");
    const outputs = await exportImages(deck, out, ["raw", "qcow2", "vmdk", "vdi"]);
    expect(outputs.map((o) => o.path).sort()).toEqual(
      ["raw", "qcow2", "vmdk", "vdi"].map((f) => join(out, `ci-debian.${f}`)).sort(),
    );
    for (const o of outputs.filter((x) => x.format !== "raw")) {
      const c = await sh(["qemu-img", "check", "-f", o.format, o.path]);
      expect(c.exitCode, c.stderr).toBe(0);
      const info = JSON.parse((await sh(["qemu-img", "info", "--output=json", o.path])).stdout);
      expect(info.format).toBe(o.format);
      expect(info["virtual-size"]).toBe(4096 * 2 ** 20);
      console.log(`${o.format}: ${((await stat(o.path)).size / 2 ** 20).toFixed(0)} MiB`);
    }
  });
});

describe("a failed install leaves the target empty", () => {
  const request = (target: InstallRequest["target"]): InstallRequest => ({
    flavour: "tiny",
    hostname: "tiny",
    user: "ann",
    passwordHash: "$6$salt1234$abcdefghijklmnop",
    withXen: false,
    target,
  });
  // a tree without a kernel: fails at `configure`, after partitioning, formatting and copying
  const kernelless = async () => {
    const d = await tmp();
    await writeRootfsTar(d, [
      { name: "etc/", type: "directory" },
      { name: "etc/os-release", type: "file", body: "ID=tiny\n" },
    ]);
    return { kind: "tar" as const, path: join(d, "rootfs.tar") };
  };

  it("an image file is removed, nothing stays mounted or attached", async () => {
    const work = await tmp();
    const image = join(work, "fail.img");
    const steps: string[] = [];
    const r = await install(request({ kind: "image", path: image, sizeBytes: 600 * 2 ** 20 }), {
      source: await kernelless(),
      workDir: work,
      onProgress: (p) => steps.push(p.step),
    });
    expect(r).toMatchObject({ ok: false, step: "configure", rolledBack: "removed" });
    expect(!r.ok && r.message).toMatch(/no kernel/);
    expect([...new Set(steps)]).toEqual(["check", "partition", "format", "copy", "configure"]);
    await expect(stat(image)).rejects.toThrow();
    expect(await mountsUnder(work)).toEqual([]);
  });

  it("a disk (a loop device here) is wiped: no partition table, no signature", async () => {
    const work = await tmp();
    const backing = join(work, "disk.bin");
    await writeFile(backing, "");
    await sh(["truncate", "-s", "600M", backing]);
    const dev = (await sh(["losetup", "--find", "--show", backing])).stdout.trim();
    try {
      const r = await install(request({ kind: "device", path: dev }), {
        source: await kernelless(),
        workDir: work,
      });
      expect(r).toMatchObject({ ok: false, step: "configure", rolledBack: "wiped" });
      expect((await sh(["sfdisk", "--json", dev])).exitCode).not.toBe(0);
      expect((await sh(["wipefs", "--no-act", "--all", dev])).stdout).toBe("");
      expect(
        (await sh(["losetup", "--list", "--noheadings", "--output", "NAME,BACK-FILE"])).stdout
          .split("\n")
          .filter((l) => l.includes(backing)),
      ).toHaveLength(1);
      expect(await mountsUnder(work)).toEqual([]);
    } finally {
      await sh(["losetup", "--detach", dev]);
    }
  });

  it("an abort (the person cancels) rolls back like a failure, naming the step it stopped in", async () => {
    const work = await tmp();
    const image = join(work, "abort.img");
    const ac = new AbortController();
    const r = await install(request({ kind: "image", path: image, sizeBytes: 600 * 2 ** 20 }), {
      source: await kernelless(),
      workDir: work,
      signal: ac.signal,
      onProgress: (p) => p.step === "format" && ac.abort(),
    });
    expect(r).toMatchObject({ ok: false, step: "format", rolledBack: "removed" });
    await expect(stat(image)).rejects.toThrow();
    expect((await sh(["losetup", "--list", "--noheadings", "--output", "BACK-FILE"])).stdout).not.toContain(
      image,
    );
    expect(await mountsUnder(work)).toEqual([]);
  });

  it("a bad request is refused before anything is written", async () => {
    const work = await tmp();
    const image = join(work, "never.img");
    const r = await install(
      { ...request({ kind: "image", path: image, sizeBytes: 2 ** 30 }), hostname: "bad;rm -rf /" },
      {
        source: await kernelless(),
        workDir: work,
      },
    );
    expect(r).toMatchObject({ ok: false, step: "check", rolledBack: "untouched" });
    await expect(stat(image)).rejects.toThrow();
  });
});

describe("layer images as the source (dom0's medium)", () => {
  it("stacks them with overlayfs: an upper layer's whiteout removes the lower file", async () => {
    const work = await tmp();
    const lower = join(work, "lower");
    const upper = join(work, "upper");
    await mkdir(join(lower, "etc"), { recursive: true });
    await writeFile(join(lower, "etc", "gone"), "lower\n");
    await writeFile(join(lower, "etc", "kept"), "lower\n");
    await mkdir(join(upper, "etc"), { recursive: true });
    await writeFile(join(upper, "etc", "added"), "upper\n");
    expect((await sh(["mknod", join(upper, "etc", "gone"), "c", "0", "0"])).exitCode).toBe(0); // overlayfs whiteout
    for (const d of [lower, upper])
      expect((await sh(["mksquashfs", d, `${d}.squashfs`, "-quiet", "-noappend"])).exitCode).toBe(0);
    const root = join(work, "root");
    await mkdir(root);
    const s = new InstallSession({ source: { kind: "layers", images: [] }, workDir: work });
    try {
      await writeTree(
        s,
        { kind: "layers", images: [`${lower}.squashfs`, `${upper}.squashfs`] },
        root,
        work,
        1,
      );
    } finally {
      expect(await s.cleanup()).toEqual([]);
    }
    expect((await sh(["ls", join(root, "etc")])).stdout.split("\n").sort()).toEqual(["added", "kept"]);
    expect(await mountsUnder(work)).toEqual([]);
  });
});

describe("power loss mid-install", () => {
  it("a killed install leaves no boot code, no menu and no marker: the disk does not look installed", async () => {
    const work = await tmp();
    const image = join(work, "cut.img");
    const child = execa(
      "node",
      [CLI, "install", deck, "--flavour", "debian", "--image", image, "--size", "2G", "--store", TEST_STORE],
      {
        reject: false,
        env: { CI: "true" },
      },
    );
    let seen = "";
    await new Promise<void>((resolve) => {
      child.stderr!.on("data", (b: Buffer) => {
        seen += b.toString();
        if (/copy: writing the flavour's files: [1-9]\d* MiB/.test(seen)) resolve();
      });
      void child.then(() => resolve());
    });
    // a power cut stops everything at once: the CLI and the tool it runs (tar), by their ids
    const tools = (await sh(["ps", "-o", "pid=", "--ppid", String(child.pid)])).stdout
      .split("\n")
      .filter(Boolean);
    child.kill("SIGKILL");
    for (const pid of tools) process.kill(Number(pid), "SIGKILL");
    await child;
    expect(seen).toMatch(/copy: /);
    // what the killed process left attached and mounted (a real power loss leaves neither)
    for (const m of await mountsUnder(work)) await sh(["umount", "--lazy", m]);
    for (const l of (
      await sh(["losetup", "--associated", image, "--noheadings", "--output", "NAME", "--list"])
    ).stdout
      .split("\n")
      .filter(Boolean))
      await sh(["losetup", "--detach", l.trim()]);

    const mbr = Buffer.alloc(512);
    const fh = await open(image, "r");
    await fh.read(mbr, 0, 512, 0).finally(() => fh.close());
    expect(mbr.subarray(0, 440).every((b) => b === 0)).toBe(true); // no BIOS boot code
    const pt = JSON.parse((await sh(["sfdisk", "--json", image])).stdout).partitiontable;
    const env = { ...process.env, MTOOLS_SKIP_CHECK: "1" };
    const efi = await execa("mdir", ["-i", `${image}@@${pt.partitions[1].start * 512}`, "-b", "::/"], {
      env,
      reject: false,
    });
    expect(efi.stdout).not.toMatch(/EFI/); // no UEFI boot image
    await withRootLoop(image, async (dev) => {
      expect((await sh(["debugfs", "-R", "stat /etc/livedeck-installed", dev])).stderr).toMatch(/not found/);
      expect((await sh(["debugfs", "-R", "stat /boot/grub/grub.cfg", dev])).stderr).toMatch(/not found/);
    });
  });
});
