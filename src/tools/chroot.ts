import { randomBytes } from "node:crypto";
import { copyFile, link, lstat, mkdir, readdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { ExecOptions, ExecResult } from "./exec.ts";

type Exec = (argv: readonly string[], opts?: Omit<ExecOptions, "stage">) => Promise<ExecResult>;

/**
 * Fresh kernel filesystems for a chroot, never bind mounts of the host's: if an unmount ever
 * failed, deleting the tree could not reach the host's /dev. /dev's nodes come from the rootfs
 * tarball itself (mmdebstrap writes them).
 */
export const CHROOT_MOUNTS: readonly { dir: string; argv: readonly string[] }[] = [
  { dir: "proc", argv: ["-t", "proc", "-o", "nosuid,nodev,noexec", "proc"] },
  { dir: "sys", argv: ["-t", "sysfs", "-o", "ro,nosuid,nodev,noexec", "sysfs"] },
  { dir: "dev/pts", argv: ["-t", "devpts", "-o", "newinstance,ptmxmode=0666,mode=0620", "devpts"] },
  { dir: "dev/shm", argv: ["-t", "tmpfs", "-o", "mode=1777,nosuid,nodev", "tmpfs"] },
];

/** Mount points currently under `root` (from /proc/self/mountinfo), deepest first. */
export async function mountsUnder(root: string): Promise<string[]> {
  const info = await readFile("/proc/self/mountinfo", "utf8");
  return info
    .split("\n")
    .map((l) => l.split(" ")[4]?.replace(/\\040/g, " ") ?? "")
    .filter((m) => m === root || m.startsWith(root + "/"))
    .sort((a, b) => b.length - a.length);
}

/**
 * `root/rel`, or null when an existing part of that path is a symlink: we run as root on the host,
 * and a link in the tree (`/var/log -> /host/path`) must never lead a write or delete outside it.
 */
export async function inTree(root: string, rel: string): Promise<string | null> {
  let p = root;
  for (const part of rel.split("/")) {
    p = join(p, part);
    const st = await lstat(p).catch(() => null);
    if (!st) break; // the rest does not exist yet
    if (st.isSymbolicLink()) return null;
  }
  return join(root, rel);
}

/**
 * Runs `fn` with /proc, /sys, /dev/pts and /dev/shm mounted in `root`; always unmounts. `root` may
 * itself be a mount point when `rootIsMount` (the installer's new root filesystem).
 */
export async function withChrootMounts<T>(
  root: string,
  exec: Exec,
  fn: () => Promise<T>,
  rootIsMount = false,
): Promise<T> {
  const mounted: string[] = [];
  try {
    for (const m of CHROOT_MOUNTS) {
      const dir = await inTree(root, m.dir);
      if (dir) await mkdir(dir, { recursive: true });
      if (!dir || !(await lstat(dir)).isDirectory())
        throw new Error(`chroot: ${root}/${m.dir} is not a directory`);
      await exec(["mount", ...m.argv, dir]);
      mounted.push(dir);
    }
    return await fn();
  } finally {
    // lazy: a daemon the script left running must not keep the tree mounted
    for (const dir of mounted.reverse()) await exec(["umount", "--lazy", dir]).catch(() => undefined);
    const left = (await mountsUnder(root)).filter((m) => !(rootIsMount && m === root));
    if (left.length)
      throw new Error(`chroot: still mounted after the step, not deleting: ${left.join(", ")}`);
  }
}

const UNREPRODUCIBLE = [
  "var/log/dpkg.log",
  "var/log/apt/history.log",
  "var/log/apt/term.log",
  "var/log/alternatives.log",
  "var/cache/ldconfig/aux-cache",
  "var/log/apt/eipp.log.xz",
  "var/lib/dbus/machine-id",
];

async function emptyDir(root: string, rel: string, keep: (name: string) => boolean): Promise<void> {
  const dir = await inTree(root, rel);
  const names = dir ? await readdir(dir).catch(() => [] as string[]) : [];
  // rm does not follow symlinks below `dir`
  await Promise.all(
    names.filter((n) => !keep(n)).map((n) => rm(join(dir!, n), { recursive: true, force: true })),
  );
}

/** What mmdebstrap's cleanup removes, so a tree touched by a script packs as reproducibly as one it built. */
export async function cleanRootfs(root: string): Promise<void> {
  for (const rel of UNREPRODUCIBLE) {
    const p = await inTree(root, rel);
    if (p) await rm(p, { force: true });
  }
  const aptDir = (n: string) => n === "lock" || n === "partial";
  await emptyDir(root, "var/lib/apt/lists", aptDir);
  await emptyDir(root, "var/lib/apt/lists/partial", () => false);
  await emptyDir(root, "var/cache/apt/archives", aptDir);
  await emptyDir(root, "var/cache/apt/archives/partial", () => false);
  await emptyDir(root, "var/cache/apt", (n) => !n.endsWith(".bin"));
  await emptyDir(root, "run", (n) => n === "lock");
  await emptyDir(root, "tmp", () => false);
  const machineId = await inTree(root, "etc/machine-id");
  if (machineId && (await lstat(machineId).catch(() => null))) await writeFile(machineId, "");
}

async function linkOrCopy(from: string, to: string): Promise<void> {
  try {
    await link(from, to);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "EEXIST") return;
    if (code !== "EXDEV" && code !== "EPERM") throw e;
    const tmp = `${to}.${randomBytes(4).toString("hex")}.tmp`;
    await copyFile(from, tmp);
    await rename(tmp, to);
  }
}

/** Copies (hard-links when it can) the .debs of `from` that `to` lacks: the shared cache in and out. */
export async function syncDebs(from: string, to: string): Promise<number> {
  await mkdir(to, { recursive: true });
  const have = new Set(await readdir(to));
  const add = (await readdir(from).catch(() => [] as string[])).filter(
    (n) => n.endsWith(".deb") && !have.has(n),
  );
  for (const n of add) await linkOrCopy(join(from, n), join(to, n));
  return add.length;
}
