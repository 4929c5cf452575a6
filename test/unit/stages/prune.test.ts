import { describe, expect, it } from "vitest";
import { S_IFDIR, S_IFREG } from "../../../src/formats/cpio.ts";
import prune, {
  DOM0_MODULES,
  PRUNE_RULES,
  depmodArgv,
  modulesRule,
} from "../../../src/stages/prune.ts";
import { planPrune } from "../../../src/formats/tree-prune.ts";

const MOD = "usr/lib/modules/6.1.0-56-amd64";
const f = (path: string, size = 100) => ({ path, mode: S_IFREG | 0o644, size });
const d = (path: string) => ({ path, mode: S_IFDIR | 0o755, size: 0 });

/** Paths as they are in Debian's dom0 rootfs, and the rule that removes each (null: it stays). */
const TABLE: [path: string, rule: string | null][] = [
  ["usr/share/doc/bash/changelog.Debian.gz", "docs"],
  ["usr/share/doc/bash/copyright", null],
  ["usr/share/doc-base/bash", "docs"],
  ["usr/share/lintian/overrides/libblkid1", "docs"],
  ["usr/share/man/man8/blkid.8.gz", "man"],
  ["usr/share/info/grep.info.gz", "info"],
  ["usr/share/locale/de/LC_MESSAGES/tar.mo", "locales"],
  ["usr/share/i18n/charmaps/UTF-8.gz", "locales"],
  ["usr/lib/locale/C.utf8/LC_CTYPE", null],
  ["usr/lib/locale/de_DE.utf8/LC_CTYPE", "locales"],
  ["usr/lib/python3/dist-packages/__pycache__/x.cpython-311.pyc", "python-bytecode"],
  ["usr/include/stdio.h", "headers"],
  ["usr/lib/x86_64-linux-gnu/perl/5.36.0/CORE/perl.h", "headers"],
  ["var/lib/apt/lists/deb.debian.org_debian_dists_bookworm_InRelease", "apt"],
  ["var/cache/apt/pkgcache.bin", "apt"],
  ["var/cache/debconf/templates.dat-old", "apt"],
  ["boot/initrd.img-6.1.0-56-amd64", "boot-initrd"],
  ["initrd.img", "boot-initrd"],
  ["boot/xen-4.17-amd64.gz", null],
  ["boot/vmlinuz-6.1.0-56-amd64", null],
  ["usr/lib/firmware/rtl_nic/rtl8168h-2.fw", "firmware"],
  ["usr/lib/udev/hwdb.bin", "udev-hwdb"],
  ["usr/lib/python3.11/os.py", "python"],
  ["usr/bin/python3.11", "python"],
  ["usr/share/perl/5.36.0/Unicode/Collate/allkeys.txt", "perl"],
  ["usr/lib/x86_64-linux-gnu/libperl.so.5.36.0", "perl"],
  ["usr/bin/perl", null],
  ["usr/lib/x86_64-linux-gnu/perl-base/strict.pm", null],
  ["usr/bin/node", "node"],
  ["usr/lib/x86_64-linux-gnu/libnode.so.108", "node"],
  ["usr/lib/x86_64-linux-gnu/libicudata.so.72.1", "node"],
  ["usr/lib/xen-4.17/boot/xen-shim", "xen-shim"],
  ["usr/lib/xen-4.17/boot/hvmloader", null],
  ["usr/lib/x86_64-linux-gnu/gconv/libCNS.so", "gconv"],
  ["usr/lib/x86_64-linux-gnu/gconv/gconv-modules", null],
  ["var/lib/dpkg/info/bash.md5sums", "dpkg-info"],
  ["var/lib/dpkg/info/bash.list", null],
  ["var/lib/dpkg/status", null],
  ["usr/lib/xen-4.17/bin/oxenstored", null],
  ["usr/lib/x86_64-linux-gnu/libc.so.6", null],
  ["usr/bin/busybox", null],
  ["etc/xen/xl.conf", null],
];

describe("default prune rules", () => {
  const plan = planPrune(
    TABLE.map(([p]) => f(p)),
    PRUNE_RULES,
    [],
  );
  it.each(TABLE)("%s → %s", (path, rule) => {
    const removed = plan.files.includes(path);
    expect(removed).toBe(rule !== null);
    if (rule) expect(plan.byRule[rule]!.entries).toBeGreaterThan(0);
  });

  it("attribute each entry's bytes to the first matching rule only", () => {
    const p = planPrune([f("usr/include/a.h", 7), f("usr/share/doc/x/y.h", 5)], PRUNE_RULES, []);
    expect(p.byRule.headers).toEqual({ entries: 1, bytes: 7 });
    expect(p.byRule.docs).toEqual({ entries: 1, bytes: 5 });
  });
});

describe("modules rule", () => {
  it("removes every module but the kept ones and the directories left empty", () => {
    const tree = [
      d(MOD),
      f(`${MOD}/modules.dep`),
      f(`${MOD}/modules.builtin`),
      d(`${MOD}/kernel`),
      d(`${MOD}/kernel/drivers`),
      d(`${MOD}/kernel/drivers/xen`),
      f(`${MOD}/kernel/drivers/xen/xen-evtchn.ko`, 10),
      d(`${MOD}/kernel/sound`),
      f(`${MOD}/kernel/sound/snd.ko`, 20),
    ];
    const p = planPrune(tree, [modulesRule(MOD, ["kernel/drivers/xen/xen-evtchn.ko"])], []);
    expect(p.files).toEqual([`${MOD}/kernel/sound/snd.ko`]);
    expect(p.dirs).toEqual([`${MOD}/kernel/sound`]);
    expect(p.byRule.modules).toEqual({ entries: 2, bytes: 20 });
  });
});

describe("prune options and argv", () => {
  it("defaults to the DESIGN.md module list", () => {
    const o = prune.options.parse({});
    expect(o).toEqual({ keep: [], remove: [], modules: DOM0_MODULES });
    for (const m of [
      "xenfs",
      "xen-evtchn",
      "xen-gntdev",
      "xen-gntalloc",
      "xen-privcmd",
      "xen-blkback",
      "xen-netback",
      "bridge",
      "overlay",
      "squashfs",
      "loop",
      "isofs",
      "sr_mod",
      "cdrom",
      "ahci",
      "libahci",
      "usb-storage",
      "uas",
      "sd_mod",
      "e1000",
      "dummy",
      "zstd",
    ]) {
      expect(DOM0_MODULES).toContain(m);
    }
  });

  it.each([
    [{ keep: ["usr/{doc"] }, ["keep", 0], "unbalanced '{'"],
    [{ remove: "usr/share" }, ["remove"], "Expected array"],
    [{ kepe: [] }, [], "Unrecognized key(s) in object: 'kepe'"],
  ])("rejects %j at %j", (bad, path, message) => {
    const r = prune.options.safeParse(bad);
    expect(r.success).toBe(false);
    expect(r.error!.issues[0]!.path).toEqual(path);
    expect(r.error!.issues[0]!.message).toContain(message);
  });

  it("runs depmod on the pruned tree", () => {
    expect(depmodArgv("/o/root", "6.1.0-56-amd64")).toEqual([
      "depmod",
      "--basedir",
      "/o/root",
      "6.1.0-56-amd64",
    ]);
  });

  it("declares what it runs and reads", () => {
    expect(prune.consumes).toEqual(["rootfs"]);
    expect([...prune.tools].sort()).toEqual(["depmod", "tar"]);
    expect(prune.inputs(prune.options.parse({}))).toEqual([]);
  });
});
