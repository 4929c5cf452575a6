import { appendFile, cp, mkdir, mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { expect } from "vitest";
import { BUILD_REPORT_ENV } from "../setup/time-report.ts";
import { livedeck, ROOT } from "./cli.ts";

/** The VM tier's store lives in the repo (gitignored): test files share it, a fresh clone starts empty. */
export const TEST_STORE = join(ROOT, ".store-test");

/**
 * A variant of the CI deck, built through the real CLI (the media the vm tier boots are named in
 * ci-media.ts): `edit` changes the deck text in a private copy of flavours/, `files` adds files to
 * that copy (e.g. a flavour only one test uses), by name; `formats` are `build --format`'s outputs;
 * `append`, `build --append`'s boot words (a boot's own `append` costs no build).
 */
export interface CiBuild {
  /** the medium's name in the run's build report */
  name?: string;
  append?: string;
  edit?: (deck: string) => string;
  files?: Record<string, string>;
  formats: string[];
}

/** Builds `o`: output name → its path in out/. */
export async function buildCi(o: CiBuild): Promise<Record<string, string>> {
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
  const t0 = Date.now();
  const r = await livedeck(args);
  expect(r.exitCode, String(r.stderr)).toBe(0);
  await recordBuild(o, Date.now() - t0);
  const result = JSON.parse(String(r.stdout)) as { outputs: { format: string; path: string }[] };
  return Object.fromEntries(result.outputs.map((x) => [x.format, x.path]));
}

/** One line of the run's build report (test/setup/time-report.ts): which variant, how long. */
async function recordBuild(o: CiBuild, ms: number) {
  const report = process.env[BUILD_REPORT_ENV];
  if (!report) return;
  const test = expect.getState().testPath;
  const what = [
    o.name,
    o.append && `append ${o.append}`,
    o.edit && "deck edited",
    o.files && `files ${Object.keys(o.files).join(",")}`,
    `formats ${o.formats.join(",")}`,
  ].filter(Boolean);
  const variant = `${test ? relative(ROOT, test) : "?"}: ${what.join("; ")}`;
  await appendFile(report, `${JSON.stringify({ variant, ms })}\n`);
}
