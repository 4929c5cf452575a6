import { dirname } from "node:path";
import { exec } from "../tools/exec.ts";
import { aptOptions, updateIndex } from "./mirror-index.ts";

/**
 * Downloads the given package versions from the mirror into the .deb cache (the store's `debs/`;
 * the mirror index lives beside it). apt-get checks each .deb against the index's hash. A step
 * that needs every installed .deb (the pool) calls this for the ones the cache lacks, so what it
 * makes never depends on what earlier builds happened to leave in the cache.
 */
export async function fetchDebs(
  debCache: string,
  sources: string,
  pkgs: readonly { name: string; version: string }[],
  stage: string,
): Promise<void> {
  if (!pkgs.length) return;
  const store = dirname(debCache);
  const dir = await updateIndex(store, sources, stage);
  await exec(
    ["apt-get", ...aptOptions(dir, sources), "-q", "download", ...pkgs.map((p) => `${p.name}=${p.version}`)],
    {
      stage,
      cwd: debCache,
      env: { LC_ALL: "C.UTF-8" },
    },
  );
}
