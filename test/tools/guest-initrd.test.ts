import { execa } from "execa";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { UserError } from "../../src/errors.ts";
import guestInitrd, { GUEST_MODULES, MODULE_LIST } from "../../src/stages/guest-initrd.ts";
import { requireTools } from "../../src/tools/doctor.ts";
import { ROOT } from "../helpers/cli.ts";
import { fakeElf } from "../helpers/elf.ts";
import { writeRootfsTar, type RootfsEntry } from "../helpers/tars.ts";
import { runStage } from "../helpers/stage-ctx.ts";

const SKEL = join(ROOT, "initrd-skel/guest");
const KVER = "6.1.0-test-amd64";
const MODS = `/usr/lib/modules/${KVER}`;
const LIBDIR = "./usr/lib/x86_64-linux-gnu";

type E = RootfsEntry;

/** A merged-/usr rootfs with what the stage picks: a dynamic busybox, its libraries, a kernel, modules. */
function rootfs(o: { kernels?: string[]; libc?: boolean } = {}): E[] {
  const dir = (name: string): E => ({ name, type: "directory" });
  const modules = ["kernel/drivers/block/xen-blkfront.ko", "kernel/drivers/net/xen-netfront.ko", "kernel/fs/squashfs/squashfs.ko", "kernel/fs/overlayfs/overlay.ko", "kernel/drivers/block/loop.ko", "kernel/fs/isofs/isofs.ko", "kernel/drivers/cdrom/cdrom.ko", "kernel/drivers/net/e1000.ko"]; // prettier-ignore
  const dep = modules
    .map((m) => `${m}:${m.endsWith("isofs.ko") ? " kernel/drivers/cdrom/cdrom.ko" : ""}\n`)
    .join("");
  const entries: E[] = [
    dir("./"),
    { name: "./bin", type: "symlink", linkname: "usr/bin" },
    dir("./boot/"),
    ...(o.kernels ?? [KVER]).map((k): E => ({
      name: `./boot/vmlinuz-${k}`,
      type: "file",
      body: `kernel ${k}`,
    })),
    { name: "./lib", type: "symlink", linkname: "usr/lib" },
    { name: "./lib64", type: "symlink", linkname: "usr/lib64" },
    dir("./usr/"),
    dir("./usr/bin/"),
    {
      name: "./usr/bin/busybox",
      type: "file",
      mode: 0o755,
      body: fakeElf({ interp: "/lib64/ld-linux-x86-64.so.2", needed: ["libresolv.so.2", "libc.so.6"] }),
    },
    dir("./usr/lib/"),
    ...[
      "modules/",
      `modules/${KVER}/`,
      ...new Set(
        modules
          .map((m) => m.slice(0, m.lastIndexOf("/") + 1))
          .flatMap((d) =>
            d
              .split("/")
              .slice(0, -1)
              .map((_, i, a) => a.slice(0, i + 1).join("/") + "/"),
          ),
      ),
    ].map((d) => dir(`./usr/lib/${d.startsWith("modules") ? d : `modules/${KVER}/${d}`}`)),
    ...modules.map((m): E => ({ name: `.${MODS}/${m}`, type: "file", body: `module ${m}` })),
    { name: `.${MODS}/modules.builtin`, type: "file", body: "kernel/fs/ext4/ext4.ko\n" },
    { name: `.${MODS}/modules.dep`, type: "file", body: dep },
    dir(`${LIBDIR}/`),
    { name: `${LIBDIR}/ld-linux-x86-64.so.2`, type: "file", mode: 0o755, body: fakeElf() },
    ...(o.libc === false
      ? []
      : [
          {
            name: `${LIBDIR}/libc.so.6`,
            type: "file",
            mode: 0o755,
            body: fakeElf({ interp: "/lib64/ld-linux-x86-64.so.2", needed: ["ld-linux-x86-64.so.2"] }),
          } as E,
        ]),
    { name: `${LIBDIR}/libresolv.so.2`, type: "file", body: fakeElf({ needed: ["libc.so.6"] }) },
    { name: `${LIBDIR}/libunused.so.1`, type: "file", body: fakeElf() },
    dir("./usr/lib64/"),
    {
      name: "./usr/lib64/ld-linux-x86-64.so.2",
      type: "symlink",
      linkname: "/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2",
    },
  ];
  return entries;
}

const cpioList = async (img: string) =>
  (await execa("sh", ["-c", `zstd -dc '${img}' | cpio -itv --quiet`])).stdout.split("\n");
const cpioFile = async (img: string, path: string) =>
  (await execa("sh", ["-c", `zstd -dc '${img}' | cpio -i --quiet --to-stdout '${path}'`])).stdout;

describe("guest-initrd stage with real zstd, read back with cpio", () => {
  let tmp: string;
  let input: string;
  const outs: string[] = [];

  beforeAll(async () => {
    await requireTools([...guestInitrd.tools, "cpio", "shellcheck"], "the guest-initrd stage tests");
    tmp = await mkdtemp(join(tmpdir(), "livedeck-guest-initrd-"));
    input = await writeRootfsTar(join(tmp, "rootfs"), rootfs());
    for (let i = 0; i < 2; i++)
      outs.push(
        (
          await runStage(
            guestInitrd,
            { epoch: 1_700_000_000, skel: SKEL },
            { dir: tmp, debs: tmp, inputs: { rootfs: input } },
          )
        ).out,
      );
  });
  afterAll(() => rm(tmp, { recursive: true, force: true }));

  it("writes the kernel and the initrd, byte-identical when built twice", async () => {
    expect((await readdir(outs[0]!)).sort()).toEqual(["initrd.img", "vmlinuz"]);
    expect(await readFile(join(outs[0]!, "vmlinuz"), "utf8")).toBe(`kernel ${KVER}`);
    const [a, b] = await Promise.all(outs.map((o) => readFile(join(o, "initrd.img"))));
    expect(a!.equals(b!)).toBe(true);
  });

  it("holds busybox with its loader and libraries (not the unused one), symlinks as in the rootfs", async () => {
    const names = (await cpioList(join(outs[0]!, "initrd.img"))).map((l) =>
      l.replace(/^.* \d\d:\d\d /, "").replace(/^.* \d{4} /, ""),
    );
    for (const p of [
      "init",
      "bin -> usr/bin",
      "lib -> usr/lib",
      "lib64 -> usr/lib64",
      "usr/bin/busybox",
      "usr/lib64/ld-linux-x86-64.so.2 -> /lib/x86_64-linux-gnu/ld-linux-x86-64.so.2",
      "usr/lib/x86_64-linux-gnu/libc.so.6",
      "usr/lib/x86_64-linux-gnu/libresolv.so.2",
      "usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2",
      "etc/inittab",
      "usr/lib/livedeck/guest-up",
      "usr/lib/livedeck/udhcpc.script",
      "usr/lib/livedeck/apply-params",
      "usr/lib/livedeck/apt-refresh",
      MODULE_LIST,
    ]) {
      expect(names).toContain(p);
    }
    expect(names.join("\n")).not.toMatch(/libunused|boot\/|e1000/);
    const list = await cpioList(join(outs[0]!, "initrd.img"));
    expect(list.find((l) => l.endsWith(" dev/console"))).toMatch(/^crw------- +1 root +root +5, +1 /);
    expect(list.find((l) => / init$/.test(l))).toMatch(/^-rwxr-xr-x /);
  });

  it("lists the modules to insmod, dependencies first", async () => {
    const modules = await cpioFile(join(outs[0]!, "initrd.img"), MODULE_LIST);
    expect(modules.split("\n")).toEqual(
      [
        "drivers/block/xen-blkfront.ko",
        "drivers/net/xen-netfront.ko",
        "fs/squashfs/squashfs.ko",
        "fs/overlayfs/overlay.ko",
        "drivers/block/loop.ko",
        "drivers/cdrom/cdrom.ko",
        "fs/isofs/isofs.ko",
      ].map((m) => `${MODS}/kernel/${m}`),
    );
    expect(GUEST_MODULES).toHaveLength(6);
  });

  const failures: [string, E[], object, string][] = [
    [
      "two kernels",
      rootfs({ kernels: [KVER, "6.1.0-other-amd64"] }),
      {},
      `guest-initrd: expected one boot/vmlinuz-* in the rootfs, found boot/vmlinuz-6.1.0-other-amd64, boot/vmlinuz-${KVER}`,
    ],
    [
      "an unknown module",
      rootfs(),
      { modules: ["overlay", "no-such-driver"] },
      `guest-initrd: kernel module(s) not in ${KVER}: no-such-driver`,
    ],
    [
      "a library the rootfs lacks",
      rootfs({ libc: false }),
      {},
      "guest-initrd: usr/bin/busybox needs libc.so.6, which the rootfs does not have",
    ],
    [
      "no busybox",
      rootfs(),
      { busybox: "/usr/bin/nope" },
      "guest-initrd: the rootfs has no busybox (/usr/bin/nope)",
    ],
  ];
  for (const [name, entries, opts, message] of failures) {
    it(`fails with a clear message on ${name}`, async () => {
      const dir = await writeRootfsTar(join(tmp, name.replace(/\W+/g, "-")), entries);
      const run = runStage(
        guestInitrd,
        { epoch: 1, skel: SKEL, ...opts },
        { dir: tmp, debs: tmp, inputs: { rootfs: dir } },
      );
      await expect(run).rejects.toThrow(UserError);
      await expect(run).rejects.toThrow(message);
    });
  }

  it("has shellcheck-clean scripts in initrd-skel/guest", async () => {
    const scripts = [
      "init",
      ...["guest-up", "udhcpc.script", "apply-params", "apt-refresh"].map((s) => `usr/lib/livedeck/${s}`),
    ].map((s) => join(SKEL, s));
    const r = await execa("shellcheck", scripts, { reject: false });
    expect(r.stdout).toBe("");
    expect(r.exitCode).toBe(0);
  });

  it("has a livedeck-install that perl compiles", async () => {
    const r = await execa("perl", ["-c", join(SKEL, "usr/lib/livedeck/livedeck-install")], { reject: false });
    expect(r.stderr).toMatch(/syntax OK/);
    expect(r.exitCode).toBe(0);
  });
});
