import { lstat, readdir, readFile, realpath, stat } from "node:fs/promises";
import { basename } from "node:path";
import type { DeviceFacts } from "./blockdev.ts";
import { exec } from "./exec.ts";

/** The mount points that make a disk "the running system's": lsblk -s walks from them to their disks. */
const SYSTEM_MOUNTS = ["/", "/boot", "/boot/efi"];

const sysRead = (p: string) =>
  readFile(p, "utf8").then(
    (s) => s.trim(),
    () => undefined,
  );

interface LsblkDev {
  name: string;
  type?: string;
  tran?: string | null;
  hotplug?: boolean | string;
  rm?: boolean | string;
  serial?: string | null;
  model?: string | null;
  mountpoints?: (string | null)[];
  children?: LsblkDev[];
}

const truthy = (v: boolean | string | undefined) => v === true || v === "1";

async function lsblk(args: string[]): Promise<LsblkDev[]> {
  const r = await exec(["lsblk", "--json", ...args], { stage: "usb write" });
  return (JSON.parse(r.stdout) as { blockdevices?: LsblkDev[] }).blockdevices ?? [];
}

/** Kernel names of the disks under the running system's /, /boot and /boot/efi (none in a container's overlay). */
export async function systemDisks(): Promise<string[]> {
  const disks = new Set<string>();
  for (const target of SYSTEM_MOUNTS) {
    const src = await exec(["findmnt", "--noheadings", "--output", "SOURCE", "--mountpoint", target], {
      stage: "usb write",
    }).then(
      (r) => r.stdout.trim().replace(/\[.*\]$/, ""),
      () => "",
    );
    if (!src.startsWith("/dev/")) continue;
    const walk = (d: LsblkDev) => {
      if (d.type === "disk") disks.add(d.name);
      d.children?.forEach(walk);
    };
    (await lsblk(["--inverse", "--output", "NAME,TYPE", src]).catch(() => [])).forEach(walk);
  }
  return [...disks].sort();
}

/** Everything refuseDevice decides on, read from the device node, /sys and lsblk. Writes nothing. */
export async function deviceFacts(path: string): Promise<DeviceFacts> {
  const base: DeviceFacts = {
    path,
    realPath: path,
    kind: "missing",
    mounts: [],
    holders: [],
    systemDisks: [],
  };
  if (!(await lstat(path).catch(() => null))) return base;
  const real = await realpath(path);
  const st = await stat(real);
  const facts: DeviceFacts = { ...base, realPath: real, systemDisks: await systemDisks() };
  if (st.isFile()) return { ...facts, kind: "file" };
  if (!st.isBlockDevice()) return { ...facts, kind: "other" };
  const major = Math.floor(st.rdev / 256) & 0xfff; // Linux dev_t: major in bits 8-19, minor in 0-7 and 20-31
  const minor = (st.rdev & 0xff) | ((st.rdev >> 12) & 0xfff00);
  const sys = await realpath(`/sys/dev/block/${major}:${minor}`);
  const name = basename(sys);
  const partition = (await sysRead(`${sys}/partition`)) !== undefined;
  const parent = partition ? basename(await realpath(`${sys}/..`)) : undefined;
  const out: DeviceFacts = { ...facts, kind: "block", name, partition, parent };
  if (partition) return out;

  out.removable = (await sysRead(`${sys}/removable`)) === "1";
  out.readOnly = (await sysRead(`${sys}/ro`)) === "1";
  out.sizeBytes = Number((await sysRead(`${sys}/size`)) ?? 0) * 512;
  const [dev] = await lsblk(["--output", "NAME,TYPE,TRAN,HOTPLUG,RM,SERIAL,MODEL,MOUNTPOINTS", real]);
  out.hotplug = truthy(dev?.hotplug);
  out.transport = dev?.tran ?? undefined;
  out.serial = dev?.serial?.trim() || undefined;
  out.model = dev?.model?.trim() || undefined;
  const visit = (d: LsblkDev) => {
    for (const m of d.mountpoints ?? []) if (m) out.mounts.push({ source: `/dev/${d.name}`, target: m });
    d.children?.forEach(visit);
  };
  if (dev) visit(dev);
  // holders of the disk and of each partition (/sys/block/sdb/sdb1/holders)
  const holders = async (dir: string) => (await readdir(`${dir}/holders`).catch(() => [])) as string[];
  out.holders.push(...(await holders(sys)));
  for (const e of await readdir(sys))
    if (e.startsWith(name)) out.holders.push(...(await holders(`${sys}/${e}`)));
  return out;
}
