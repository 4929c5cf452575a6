import { createHash } from "node:crypto";
import { mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { ToolError } from "../errors.ts";
import { requireTools } from "../tools/doctor.ts";
import { exec } from "../tools/exec.ts";
import type { ReleaseInfo } from "./lock-file.ts";

/** What the mirror offers: `name:arch=version` → sha256 of the .deb, and its Release files. */
export interface MirrorIndex {
  available: Map<string, string>;
  release: ReleaseInfo[];
}

export const indexKey = (p: { name: string; arch: string; version: string }) =>
  `${p.name}:${p.arch}=${p.version}`;

/** Packages index text → `name:arch=version` → SHA256 (only the fields the lock needs). */
export function parsePackagesIndex(text: string, into = new Map<string, string>()): Map<string, string> {
  let name = "";
  let version = "";
  let arch = "";
  let sha = "";
  const flush = () => {
    if (name && version && arch && sha) into.set(indexKey({ name, arch, version }), sha);
    name = version = arch = sha = "";
  };
  for (const line of text.split("\n")) {
    if (line === "") flush();
    else if (line.startsWith("Package: ")) name = line.slice(9).trim();
    else if (line.startsWith("Version: ")) version = line.slice(9).trim();
    else if (line.startsWith("Architecture: ")) arch = line.slice(14).trim();
    else if (line.startsWith("SHA256: ")) sha = line.slice(8).trim();
  }
  flush();
  return into;
}

/** The fields of an (In)Release file the lock records, and where apt fetched it from. */
export function parseRelease(text: string, listFile: string): ReleaseInfo {
  const field = (f: string) => text.match(new RegExp(`^${f}: (.*)$`, "m"))?.[1]?.trim();
  // apt names list files host_path_dists_suite_InRelease
  const [where, suite] = listFile.replace(/_(In)?Release$/, "").split("_dists_");
  const r: ReleaseInfo = {
    source: `${where!.replaceAll("_", "/")} ${(suite ?? "").replaceAll("_", "/")}`.trim(),
  };
  for (const [k, f] of [
    ["suite", "Suite"],
    ["codename", "Codename"],
    ["version", "Version"],
    ["date", "Date"],
  ] as const) {
    const v = field(f);
    if (v) r[k] = v;
  }
  return r;
}

/** apt options that make the host's apt-get read and write only `dir`, with `sources` as its list. */
export function aptOptions(dir: string, sources: string): string[] {
  const o = {
    "Dir::State::Lists": join(dir, "lists"),
    "Dir::State::status": join(dir, "status"),
    "Dir::Cache": join(dir, "cache"),
    "Dir::Etc::SourceList": sources.endsWith(".sources") ? "/dev/null" : sources,
    "Dir::Etc::SourceParts": sources.endsWith(".sources") ? join(dir, "sources.list.d") : join(dir, "none"),
    "Dir::Etc::Preferences": "/dev/null",
    "Dir::Etc::PreferencesParts": join(dir, "none"),
    "Debug::NoLocking": "1",
  };
  return Object.entries(o).flatMap(([k, v]) => ["-o", `${k}=${v}`]);
}

/** The store's private apt state for one sources file (by its content). */
export async function indexDir(storeRoot: string, sources: string): Promise<string> {
  const text = await readFile(sources, "utf8");
  return join(resolve(storeRoot), "apt-index", createHash("sha256").update(text).digest("hex").slice(0, 16));
}

/**
 * Brings the store's copy of the mirror's index up to date, the way mmdebstrap will see it (same
 * sources file), with the host's apt-get into a private directory of the store. Returns that
 * directory (for `aptOptions`).
 */
export async function updateIndex(storeRoot: string, sources: string, stage = "lock"): Promise<string> {
  await requireTools(["apt-get", "apt-helper"], "reading the mirror's package index");
  const text = await readFile(sources, "utf8");
  const dir = await indexDir(storeRoot, sources);
  for (const d of ["lists/partial", "cache/archives/partial", "sources.list.d", "none"])
    await mkdir(join(dir, d), { recursive: true });
  await writeFile(join(dir, "status"), "");
  if (sources.endsWith(".sources")) await writeFile(join(dir, "sources.list.d", "mirror.sources"), text);
  await exec(["apt-get", ...aptOptions(dir, sources), "-o", "Acquire::GzipIndexes=false", "-q", "update"], {
    stage,
    env: { LC_ALL: "C.UTF-8" },
  });
  return dir;
}

/** The mirror's index, updated and read: every package version's hash and the Release files. ~1–6 s. */
export async function fetchMirrorIndex(
  storeRoot: string,
  sources: string,
  stage = "lock",
): Promise<MirrorIndex> {
  const dir = await updateIndex(storeRoot, sources, stage);
  const available = new Map<string, string>();
  const release: ReleaseInfo[] = [];
  const lists = join(dir, "lists");
  for (const f of (await readdir(lists)).sort()) {
    if (/_InRelease$|_Release$/.test(f))
      release.push(parseRelease(await readFile(join(lists, f), "utf8"), f));
    else if (/_Packages(\.[a-z0-9]+)?$/.test(f)) {
      const { stdout } = await exec(["/usr/lib/apt/apt-helper", "cat-file", join(lists, f)], { stage });
      parsePackagesIndex(stdout, available);
    }
  }
  if (!available.size || !release.length)
    throw new ToolError(
      stage,
      ["apt-get", "update"],
      0,
      "",
      `apt-get update read no package index from ${sources}`,
    );
  return { available, release };
}
