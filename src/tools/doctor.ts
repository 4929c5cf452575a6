import { access, constants } from "node:fs/promises";
import { delimiter, join } from "node:path";
import { UserError } from "../errors.ts";
import { exec } from "./exec.ts";
import { TOOLS, type ToolName } from "./registry.ts";

export interface ToolStatus {
  tool: ToolName;
  pkg: string;
  why: string;
  found: string | null;
}

async function isExecutable(p: string): Promise<boolean> {
  try {
    await access(p, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

async function isReadable(p: string): Promise<boolean> {
  try {
    await access(p, constants.R_OK);
    return true;
  } catch {
    return false;
  }
}

/** Where a tool is: its PATH entry, or the data file that stands for it (boot images, firmware). */
export async function locate(tool: ToolName): Promise<string | null> {
  const def = TOOLS[tool];
  if ("path" in def) return (await isReadable(def.path)) ? def.path : null;
  // root's PATH on Debian has /sbin; a user's may not (depmod lives there).
  const dirs = [...(process.env.PATH ?? "").split(delimiter), "/usr/sbin", "/sbin"];
  for (const d of dirs) {
    if (d && (await isExecutable(join(d, tool)))) return join(d, tool);
  }
  return null;
}

export async function checkTools(tools: Iterable<ToolName>): Promise<ToolStatus[]> {
  const unique = [...new Set(tools)].sort();
  return Promise.all(
    unique.map(async (tool) => ({ tool, pkg: TOOLS[tool].pkg, why: TOOLS[tool].why, found: await locate(tool) })),
  );
}

/** The hint every missing-tool error ends with. */
export function installHint(pkgs: readonly string[]): string {
  return `run \`livedeck doctor --install\` (as root: apt-get install ${[...new Set(pkgs)].sort().join(" ")})`;
}

/** Preflight: fail before anything is written, naming only what is missing. */
export async function requireTools(tools: Iterable<ToolName>, forWhat: string): Promise<void> {
  const missing = (await checkTools(tools)).filter((t) => !t.found);
  if (missing.length === 0) return;
  const names = missing.map((t) => `'${t.tool}' (${t.pkg}) to ${t.why}`).join(", ");
  throw new UserError(`${forWhat} needs ${names}, not found`, installHint(missing.map((t) => t.pkg)));
}

export function aptInstallArgv(pkgs: readonly string[]): string[] {
  return ["apt-get", "install", "-y", "--no-install-recommends", "-q", ...[...new Set(pkgs)].sort()];
}

/** Installs the Debian packages of the missing tools. Needs root; never touches anything but apt. */
export async function installMissing(
  statuses: readonly ToolStatus[],
  onLine?: (l: string) => void,
): Promise<string[]> {
  const pkgs = [...new Set(statuses.filter((s) => !s.found).map((s) => s.pkg))].sort();
  if (pkgs.length === 0) return [];
  if (process.getuid?.() !== 0) {
    throw new UserError(`installing ${pkgs.join(" ")} needs root`, `run as root: ${aptInstallArgv(pkgs).join(" ")}`);
  }
  const env = { DEBIAN_FRONTEND: "noninteractive" };
  await exec(["apt-get", "update", "-q"], { stage: "doctor", env, onLine });
  await exec(aptInstallArgv(pkgs), { stage: "doctor", env, onLine });
  return pkgs;
}

/** Installed versions of Debian packages, for stage ids: a new mmdebstrap or grub may change output. */
export async function packageVersions(pkgs: readonly string[]): Promise<Record<string, string>> {
  const unique = [...new Set(pkgs)].sort();
  if (unique.length === 0) return {};
  const r = await exec(["dpkg-query", "-W", "-f", "${Package}\t${Version}\n", ...unique], {
    stage: "doctor",
  }).catch(() => ({ stdout: "" }));
  const out: Record<string, string> = {};
  for (const line of r.stdout.split("\n")) {
    const [p, v] = line.split("\t");
    if (p && v) out[p] = v;
  }
  return out;
}
