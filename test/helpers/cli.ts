import { execa, type Options } from "execa";
import { join } from "node:path";

export const ROOT = join(import.meta.dirname, "..", "..");
export const CLI = join(ROOT, "bin", "livedeck.js");

/** Runs the real CLI as a user would; never throws, so tests assert exit code and stderr. */
export function livedeck(args: string[], opts: Options = {}) {
  return execa("node", [CLI, ...args], { reject: false, cwd: ROOT, env: { CI: "true" }, ...opts });
}
