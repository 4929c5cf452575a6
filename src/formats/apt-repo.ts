/**
 * A flat apt repository (`deb [trusted=yes] http://dom0/ ./`) of the packages installed in the
 * guests' root filesystems: which they are comes from dpkg's status file, the index paragraphs
 * from the same fields plus where each .deb is and its hashes (deb-control(5), "Packages" in
 * https://wiki.debian.org/DebianRepository/Format).
 */

export type Paragraph = [name: string, value: string][];

/** deb822 paragraphs; a continuation line (leading space or tab) stays part of its field's value. */
export function parseParagraphs(text: string): Paragraph[] {
  const out: Paragraph[] = [];
  let cur: Paragraph = [];
  for (const line of text.split("\n")) {
    if (line.trim() === "") {
      if (cur.length) out.push(cur);
      cur = [];
    } else if (/^[ \t]/.test(line) && cur.length) {
      cur[cur.length - 1]![1] += `\n${line}`;
    } else {
      const i = line.indexOf(":");
      if (i <= 0) throw new Error(`deb822: not a field: ${JSON.stringify(line)}`);
      cur.push([line.slice(0, i), line.slice(i + 1).trim()]);
    }
  }
  if (cur.length) out.push(cur);
  return out;
}

export interface InstalledPackage {
  name: string;
  version: string;
  arch: string;
  fields: Paragraph;
}

const get = (p: Paragraph, name: string) => p.find(([n]) => n.toLowerCase() === name.toLowerCase())?.[1];

/** Packages dpkg has fully installed, by `name:arch`. */
export function installedPackages(statusText: string): Map<string, InstalledPackage> {
  const out = new Map<string, InstalledPackage>();
  for (const p of parseParagraphs(statusText)) {
    if (get(p, "Status") !== "install ok installed") continue;
    const [name, version, arch] = [get(p, "Package"), get(p, "Version"), get(p, "Architecture")];
    if (!name || !version || !arch) continue;
    out.set(`${name}:${arch}`, { name, version, arch, fields: p });
  }
  return out;
}

/** The name apt gives a downloaded .deb in /var/cache/apt/archives (an epoch's ':' as %3a). */
export function debFileName(p: Pick<InstalledPackage, "name" | "version" | "arch">): string {
  return `${p.name}_${p.version.replaceAll(":", "%3a")}_${p.arch}.deb`;
}

/** Fields of dpkg's status that describe the installation, not the package. */
const STATUS_ONLY = new Set(["status", "conffiles", "config-version"]);

/** One paragraph of the Packages index. */
export function packagesParagraph(
  p: InstalledPackage,
  file: { name: string; size: number; sha256: string },
): string {
  const fields = p.fields.filter(([n]) => !STATUS_ONLY.has(n.toLowerCase()));
  fields.push(["Filename", `./${file.name}`], ["Size", String(file.size)], ["SHA256", file.sha256]);
  return fields.map(([n, v]) => `${n}: ${v}`.replace(/: \n/, ":\n")).join("\n");
}

/** The Packages index: paragraphs sorted by package name and architecture. */
export function packagesIndex(entries: readonly { pkg: InstalledPackage; text: string }[]): string {
  const sorted = [...entries].sort((a, b) =>
    cmp(`${a.pkg.name}:${a.pkg.arch}`, `${b.pkg.name}:${b.pkg.arch}`),
  );
  return sorted.map((e) => `${e.text}\n`).join("\n");
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** RFC 2822 date in UTC, as apt reads Release's Date. */
export function releaseDate(epoch: number): string {
  return new Date(epoch * 1000).toUTCString().replace("GMT", "UTC");
}

/** The flat repository's Release file: what apt checks the downloaded index against. */
export function releaseText(o: {
  suite: string;
  epoch: number;
  files: { name: string; size: number; sha256: string }[];
}): string {
  return [
    "Origin: livedeck",
    "Label: livedeck package pool",
    `Suite: ${o.suite}`,
    `Codename: ${o.suite}`,
    `Date: ${releaseDate(o.epoch)}`,
    "Description: the packages of this medium's guests, served by dom0",
    "SHA256:",
    ...o.files.map((f) => ` ${f.sha256} ${String(f.size).padStart(8)} ${f.name}`),
    "",
  ].join("\n");
}
