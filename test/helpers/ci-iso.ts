import { cp, mkdir, mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "vitest";
import { livedeck, ROOT } from "./cli.ts";

/** The VM tier's store lives in the repo (gitignored): test files share it, a fresh clone starts empty. */
export const TEST_STORE = join(ROOT, ".store-test");

/**
 * Builds the CI deck through the real CLI and returns the ISO's path. `edit` changes the deck text
 * (e.g. another default boot entry) in a private copy of flavours/; `files` adds files to that copy
 * (e.g. a flavour only one test uses), by name.
 */
export async function buildCiIso(
  o: { append?: string; edit?: (deck: string) => string; files?: Record<string, string> } = {},
): Promise<string> {
  return (await buildCi({ ...o, formats: ["iso"] })).iso!;
}

/** As buildCiIso, for the given outputs (`build --format`): output name → its path in out/. */
export async function buildCi(o: {
  append?: string;
  edit?: (deck: string) => string;
  files?: Record<string, string>;
  formats: string[];
}): Promise<Record<string, string>> {
  const dir = await mkdtemp(join(tmpdir(), "livedeck-ci-deck-"));
  await cp(join(ROOT, "flavours"), join(dir, "flavours"), { recursive: true });
  for (const [name, text] of Object.entries(o.files ?? {}))
    await writeFile(join(dir, "flavours", name), text);
  const deck = join(dir, "flavours", "ci.deck.yaml");
  if (o.edit) await writeFile(deck, o.edit(await readFile(deck, "utf8")));
  await mkdir(join(dir, "out"));
  const args = ["build", deck, "--store", TEST_STORE, "--out", join(dir, "out"), "--json"];
  if (o.append) args.push("--append", o.append);
  args.push("--format", ...o.formats);
  const r = await livedeck(args);
  expect(r.exitCode, String(r.stderr)).toBe(0);
  const result = JSON.parse(String(r.stdout)) as { outputs: { format: string; path: string }[] };
  return Object.fromEntries(result.outputs.map((x) => [x.format, x.path]));
}
