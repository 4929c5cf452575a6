import { execa } from "execa";
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { mountPoints } from "../src/pipeline/store.ts";
import { bootMedium } from "../src/qemu/boot.ts";
import { GUEST_READY } from "../src/qemu/markers.ts";
import { requireTools } from "../src/tools/doctor.ts";
import { ROOT, timed } from "./run.ts";

/**
 * Issue 12's peers table, one run, one machine: Debian's live-build and livedeck build the same
 * minimal live system (bookworm, the host's mirror, one package on minbase: less), then again with
 * nothing changed, then with one package added (hello); ISO sizes; and boot to a login (live-build:
 * the serial getty's `login:`; livedeck: the guest's LIVEDECK-GUEST-READY) under QEMU TCG.
 * live-build reruns a changed config the way its manual says, `lb clean`, `lb config`, `lb build`
 * (its package cache kept); a plain `lb build` is its no-op.
 */

const PACKAGES = ["less"];
const ADDED = "hello";
const MINUTE = 60_000;

/**
 * The host's archive and security URIs, from its deb822 sources (live-build takes URIs, not a
 * file; its default security mirror may be unreachable where the host's is not).
 */
export function hostMirrors(sources: string): { archive: string; security: string } {
  const stanzas = sources.split(/\n\s*\n/).map((p) => ({
    uri: p.match(/^URIs:\s*(\S+)/m)?.[1],
    suites: p.match(/^Suites:\s*(.*)$/m)?.[1] ?? "",
  }));
  const archive = stanzas.find((x) => x.uri && !/-security/.test(x.suites))?.uri;
  const security = stanzas.find((x) => x.uri && /-security/.test(x.suites))?.uri;
  if (!archive || !security) throw new Error("the host's sources name no archive or no security URI");
  return { archive, security };
}

async function seconds(argv: string[], cwd: string): Promise<number> {
  const t0 = performance.now();
  const r = await execa(argv[0]!, argv.slice(1), {
    cwd,
    reject: false,
    all: true,
    env: { LC_ALL: "C.UTF-8" },
  });
  if (r.exitCode !== 0)
    throw new Error(`${argv.join(" ")} failed (${r.exitCode}):\n${String(r.all).slice(-4000)}`);
  return (performance.now() - t0) / 1000;
}

async function liveBuildConfig(
  dir: string,
  m: { archive: string; security: string },
  packages: string[],
): Promise<void> {
  await execa(
    "lb",
    [
      "config",
      ...["--distribution", "bookworm", "--archive-areas", "main"],
      ...["--mirror-bootstrap", m.archive, "--mirror-chroot", m.archive, "--mirror-binary", m.archive],
      ...["--mirror-chroot-security", m.security, "--mirror-binary-security", m.security],
      ...["--apt-source-archives", "false"],
      ...["--debootstrap-options", "--variant=minbase"],
      ...["--binary-images", "iso-hybrid", "--debian-installer", "none", "--memtest", "none"],
      ...["--firmware-binary", "false", "--firmware-chroot", "false", "--apt-indices", "false"],
      ...["--bootappend-live", "boot=live components console=ttyS0,115200n8"],
    ],
    { cwd: dir },
  );
  await mkdir(join(dir, "config/package-lists"), { recursive: true });
  await writeFile(join(dir, "config/package-lists/peers.list.chroot"), packages.join("\n") + "\n");
}

/** live-build's ISO booted from its own kernel and initrd (its isolinux menu waits for a key). */
async function liveBuildLogin(iso: string, dir: string): Promise<number> {
  const boot = join(dir, "boot");
  await mkdir(boot, { recursive: true });
  await execa("xorriso", [
    "-osirrox",
    "on",
    "-indev",
    iso,
    "-extract",
    "/live/vmlinuz",
    join(boot, "vmlinuz"),
    "-extract",
    "/live/initrd.img",
    join(boot, "initrd.img"),
  ]);
  const argv = [
    ...["-m", "1024", "-smp", "2", "-display", "none", "-serial", "stdio", "-no-reboot", "-nic", "none"],
    ...["-cdrom", iso, "-kernel", join(boot, "vmlinuz"), "-initrd", join(boot, "initrd.img")],
    ...["-append", "boot=live components console=ttyS0,115200n8"],
  ];
  const t0 = performance.now();
  const q = execa("qemu-system-x86_64", argv, { reject: false, stdin: "ignore" });
  try {
    return await new Promise<number>((resolve, reject) => {
      let seen = "";
      const timer = setTimeout(
        () => reject(new Error(`live-build ISO: no login prompt in 15 min:\n${seen.slice(-2000)}`)),
        15 * MINUTE,
      );
      q.stdout!.on("data", (c: Buffer) => {
        seen += c.toString();
        if (/login: ?$/m.test(seen)) {
          clearTimeout(timer);
          resolve((performance.now() - t0) / 1000);
        }
      });
      void q.then(() => reject(new Error(`qemu ended before a login prompt:\n${seen.slice(-2000)}`)));
    });
  } finally {
    q.kill("SIGTERM");
    await q;
  }
}

async function livedeckLogin(iso: string, guest: string): Promise<number> {
  const r = await bootMedium({
    iso,
    expect: [new RegExp(`${GUEST_READY} ${guest} `)],
    timeoutMs: 15 * MINUTE,
  });
  return r.markers.find((m) => m.text.includes(`${GUEST_READY} ${guest} `))!.seconds;
}

const isoIn = async (dir: string) =>
  join(
    dir,
    (await readdir(dir)).find((f) => f.endsWith(".iso"))!,
  );

export async function benchPeers(): Promise<void> {
  await requireTools(["lb", "qemu-system-x86_64", "xorriso", "mmdebstrap"], "the peers benchmark");
  const dir = await mkdtemp(join(tmpdir(), "livedeck-bench-peers-"));
  try {
    const mirrors = hostMirrors(await readFile("/etc/apt/sources.list.d/debian.sources", "utf8"));
    const mirror = mirrors.archive;
    // livedeck: one Debian guest of a one-flavour deck, fresh store (empty .deb cache: cold)
    const decks = join(dir, "decks");
    await mkdir(decks);
    const deck = join(decks, "peers.deck.yaml");
    await writeFile(
      deck,
      // no saved states: like for like with live-build, which saves none (their cost: bench states)
      "name: peers\ndescription: peers benchmark\nguests:\n  - name: deb\n    flavour: peer\nstates:\n  cpus: []\nboot:\n  timeout: 1\n",
    );
    const flavour = (pkgs: string[]) =>
      writeFile(
        join(decks, "peer.yaml"),
        `name: peer\ndescription: minbase and ${pkgs.join(", ")}\nbase: minbase\npackages: [${pkgs.join(", ")}]\nmemory: "128M"\n`,
      );
    await flavour(PACKAGES);
    const args = ["build", deck, "--store", join(dir, "store"), "--out", join(dir, "out")];
    // each figure goes to stderr as it is measured: a run cut short still tells what it got
    const note = <T extends number>(what: string, v: T, unit = "s"): T => {
      console.error(`peers: ${what}: ${v.toFixed(1)} ${unit}`);
      return v;
    };
    // live-build: same suite, mirror and packages
    const lbDir = join(dir, "lb");
    await mkdir(lbDir);
    await liveBuildConfig(lbDir, mirrors, PACKAGES);
    const lb = { cold: 0, noop: 0, change: 0, bytes: 0, login: 0 };
    lb.cold = note("live-build cold build", await seconds(["lb", "build"], lbDir));
    lb.noop = note("live-build no-op rebuild", await seconds(["lb", "build"], lbDir));
    // a changed config, the way live-build's manual has it: lb clean, lb config, lb build (`lb clean`
    // drops the config stage's stamp: a bare `lb build` after it refuses to run)
    const change = async () => {
      const clean = await seconds(["lb", "clean"], lbDir);
      const t0 = performance.now();
      await liveBuildConfig(lbDir, mirrors, [...PACKAGES, ADDED]);
      return clean + (performance.now() - t0) / 1000 + (await seconds(["lb", "build"], lbDir));
    };
    lb.change = note(`live-build + ${ADDED} (lb clean; lb config; lb build)`, await change());
    const lbIso = await isoIn(lbDir);
    lb.bytes = note("live-build ISO", (await stat(lbIso)).size / 2 ** 20, "MiB") * 2 ** 20;

    const ld = { cold: 0, noop: 0, change: 0, bytes: 0, login: 0 };
    ld.cold = note("livedeck cold build", (await timed(args)).seconds);
    ld.noop = note("livedeck no-op rebuild", (await timed(args)).seconds);
    await flavour([...PACKAGES, ADDED]);
    ld.change = note(`livedeck + ${ADDED}`, (await timed(args)).seconds);
    const ldIso = await isoIn(join(dir, "out"));
    ld.bytes = note("livedeck ISO", (await stat(ldIso)).size / 2 ** 20, "MiB") * 2 ** 20;

    lb.login = note("live-build boot to login", await liveBuildLogin(lbIso, dir));
    ld.login = note("livedeck boot to guest ready", await livedeckLogin(ldIso, "deb"));

    const MiB = 2 ** 20;
    const line = (name: string, a: number, b: number, unit: string) =>
      `${name.padEnd(34)} ${a.toFixed(1).padStart(9)} ${unit.padEnd(3)} ${b.toFixed(1).padStart(9)} ${unit.padEnd(3)} ${(b / a).toFixed(2).padStart(6)}×`;
    console.log(
      `peers benchmark: live-build vs livedeck (bookworm, ${mirror}, minbase + ${PACKAGES.join(" ")}; change: + ${ADDED})`,
    );
    console.log(`${"".padEnd(34)} ${"live-build".padStart(13)} ${"livedeck".padStart(13)}  ratio`);
    console.log(line("cold build", lb.cold, ld.cold, "s"));
    console.log(line("no-op rebuild", lb.noop, ld.noop, "s"));
    console.log(line("one package added", lb.change, ld.change, "s"));
    console.log(
      `${"  … as a share of its own cold build".padEnd(34)} ${`${((lb.change / lb.cold) * 100).toFixed(0)} %`.padStart(13)} ${`${((ld.change / ld.cold) * 100).toFixed(0)} %`.padStart(13)}`,
    );
    console.log(line("ISO size", lb.bytes / MiB, ld.bytes / MiB, "MiB"));
    console.log(line("boot to login (QEMU TCG)", lb.login, ld.login, "s"));
    console.log(
      "  (live-build: serial getty login prompt; livedeck: the Debian guest's LIVEDECK-GUEST-READY, Xen + dom0 + guest)",
    );
  } finally {
    // live-build leaves its chroot's proc, sys and dev/pts mounted when stopped midway: unmount
    // them (deepest first) before removing anything under them
    const under = (await mountPoints()).filter((m) => m.startsWith(`${dir}/`)).sort().reverse();
    for (const m of under) await execa("umount", ["--lazy", m], { reject: false });
    if ((await mountPoints()).some((m) => m.startsWith(`${dir}/`)))
      console.error(`peers: ${dir} still has mounts; left in place`);
    else await rm(dir, { recursive: true, force: true }).catch(() => undefined);
  }
}
