import { cp, mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "vitest";
import { TEST_STORE } from "./ci-iso.ts";
import { livedeck, ROOT } from "./cli.ts";

/**
 * flavours/debian.yaml made installable: the CI deck's plain Debian guest is not (no installer
 * image on every CI ISO), the install tests turn it on and reuse the CI deck's cached layers.
 */
export async function installableDebianYaml(): Promise<string> {
  const text = (await readFile(join(ROOT, "flavours", "debian.yaml"), "utf8")).replace(
    /^installable: false\b.*$/m,
    "installable: true",
  );
  expect(text, "flavours/debian.yaml: its `installable:` line").toMatch(/^installable: true$/m);
  return text;
}

/** A private copy of flavours/ whose CI deck's Debian flavour is installable (installableDebianYaml). */
export async function installableCiDeck(): Promise<{ dir: string; deck: string }> {
  const dir = await mkdtemp(join(tmpdir(), "livedeck-install-deck-"));
  await cp(join(ROOT, "flavours"), join(dir, "flavours"), { recursive: true });
  await writeFile(join(dir, "flavours", "debian.yaml"), await installableDebianYaml());
  return { dir, deck: join(dir, "flavours", "ci.deck.yaml") };
}

export interface InstalledImage {
  image: string;
  rootUsedBytes: number;
  seconds: number;
  ids: { rootUuid: string; espUuid: string; kernel: string };
}

/** `livedeck install` of the CI deck's Debian flavour into `image` (in the test store). */
export async function installDebian(
  deck: string,
  image: string,
  extra: string[] = [],
): Promise<InstalledImage> {
  const r = await livedeck([
    "install",
    deck,
    "--flavour",
    "debian",
    "--image",
    image,
    "--size",
    "2G",
    "--store",
    TEST_STORE,
    "--json",
    ...extra,
  ]);
  expect(r.exitCode, String(r.stderr)).toBe(0);
  return JSON.parse(String(r.stdout)) as InstalledImage;
}

/** `livedeck export` of the deck's installable flavours into `out` (test store); its outputs. */
export async function exportImages(
  deck: string,
  out: string,
  formats: string[],
): Promise<{ format: string; path: string }[]> {
  const r = await livedeck([
    "export",
    deck,
    "--store",
    TEST_STORE,
    "--out",
    out,
    "--format",
    ...formats,
    "--json",
  ]);
  expect(r.exitCode, String(r.stderr)).toBe(0);
  return (JSON.parse(String(r.stdout)) as { outputs: { format: string; path: string }[] }).outputs;
}
