import { readFile, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { LockFile } from "../lock/lock-file.ts";
import type { ResolvedStep } from "../pipeline/resolve.ts";
import { MANIFEST_FORMAT, manifestName, MediumInfo, type Manifest } from "./manifest.ts";
import { MEDIUM_FILE } from "./medium.ts";

/** The manifest of a build whose iso step is `isoDir`: packages from the lock as it now stands. */
export function composeManifest(o: {
  deck: string;
  suite: string;
  epoch: number;
  steps: readonly ResolvedStep[];
  lock: LockFile | null;
  medium: MediumInfo;
}): Manifest {
  const packages: Manifest["packages"] = {};
  for (const [root, r] of Object.entries(o.lock?.roots ?? {}).sort(([a], [b]) => (a < b ? -1 : 1)))
    packages[root] = Object.fromEntries(
      r.packages.map((p) => [`${p.name}:${p.arch}`, p.version]).sort(([a], [b]) => (a! < b! ? -1 : 1)),
    );
  return {
    manifest: MANIFEST_FORMAT,
    deck: o.deck,
    suite: o.suite,
    epoch: o.epoch,
    stages: Object.fromEntries(o.steps.map((s) => [s.key, s.id])),
    packages,
    medium: o.medium,
  };
}

/** Writes out/<deck>.manifest.json (via a temp name) from the iso step's medium.json. */
export async function writeManifest(
  outDir: string,
  isoDir: string,
  o: Omit<Parameters<typeof composeManifest>[0], "medium">,
): Promise<string> {
  const medium = MediumInfo.parse(JSON.parse(await readFile(join(isoDir, MEDIUM_FILE), "utf8")));
  const dest = join(outDir, manifestName(o.deck));
  await writeFile(`${dest}.tmp`, JSON.stringify(composeManifest({ ...o, medium }), null, 1) + "\n");
  await rename(`${dest}.tmp`, dest);
  return dest;
}
