import { execa } from "execa";
import { cp, mkdir, mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { livedeck, ROOT } from "../helpers/cli.ts";
import { TEST_STORE } from "../helpers/ci-iso.ts";

/**
 * Two builds of the CI deck with the same lock, in two stores, at two times and in two time zones
 * (UTC and UTC+14: another calendar day), must give the same ISO bytes. Build A goes to the shared
 * test store (its objects were mostly built earlier, by other runs: yet another clock), build B to
 * a fresh store that only shares the .deb download cache (hard links: a cache never changes output).
 * On a difference the test names every step whose files differ, and runs diffoscope when present.
 */

const B_STORE = join(ROOT, ".store-repro");
let dir: string;

async function filesBelow(d: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(d, { withFileTypes: true, recursive: true }))
    if (e.isFile()) out.push(relative(d, join(e.parentPath, e.name)));
  return out.sort();
}

/** Steps (by key) whose output files differ between the two stores, with the files. */
async function differingSteps(a: string, b: string, steps: { key: string; id: string }[]): Promise<string[]> {
  const lines: string[] = [];
  for (const s of steps) {
    const [da, db] = [join(a, "objects", s.id, "out"), join(b, "objects", s.id, "out")];
    const fa = await filesBelow(da).catch(() => [] as string[]);
    const fb = await filesBelow(db).catch(() => [] as string[]);
    const diff = [...new Set([...fa, ...fb])].filter((f) => !fa.includes(f) || !fb.includes(f));
    for (const f of fa.filter((x) => fb.includes(x)))
      if ((await execa("cmp", ["-s", join(da, f), join(db, f)], { reject: false })).exitCode !== 0)
        diff.push(f);
    if (diff.length) lines.push(`${s.key} (${s.id.slice(0, 12)}): ${diff.join(", ")}`);
  }
  return lines;
}

async function buildInto(deck: string, store: string, out: string, tz: string) {
  const r = await livedeck(["build", deck, "--store", store, "--out", out, "--json"], {
    env: { CI: "true", TZ: tz },
  });
  expect(r.exitCode, String(r.stderr)).toBe(0);
  return JSON.parse(String(r.stdout)) as { outputs: { format: string; path: string }[]; manifest: string };
}

afterAll(async () => {
  await rm(B_STORE, { recursive: true, force: true });
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe("reproducible medium", () => {
  it("two builds with one lock, in two stores at different times and time zones, give identical ISO bytes", { timeout: 90 * 60_000 }, async () => {
    dir = await mkdtemp(join(tmpdir(), "livedeck-repro-"));
    await cp(join(ROOT, "flavours"), join(dir, "flavours"), { recursive: true });
    const deck = join(dir, "flavours", "ci.deck.yaml");
    const a = await buildInto(deck, TEST_STORE, join(dir, "a"), "UTC");
    await readFile(join(dir, "flavours", "ci.deck.lock")); // the lock both builds share

    await rm(B_STORE, { recursive: true, force: true });
    await mkdir(join(B_STORE, "debs"), { recursive: true });
    await execa("cp", ["-al", `${join(TEST_STORE, "debs")}/.`, join(B_STORE, "debs")]);
    const b = await buildInto(deck, B_STORE, join(dir, "b"), "Pacific/Kiritimati");

    const [isoA, isoB] = [a, b].map((r) => r.outputs.find((o) => o.format === "iso")!.path) as [
      string,
      string,
    ];
    const cmp = await execa("cmp", [isoA, isoB], { reject: false });
    if (cmp.exitCode !== 0) {
      const plan = await livedeck(["plan", deck, "--store", B_STORE, "--json"]);
      const steps = JSON.parse(String(plan.stdout)).steps as { key: string; id: string }[];
      const why = await differingSteps(TEST_STORE, B_STORE, steps);
      const diffoscope = await execa(
        "diffoscope",
        ["--text", "-", "--max-report-size", "200000", isoA, isoB],
        { reject: false },
      );
      const detail =
        diffoscope.failed && diffoscope.exitCode === undefined
          ? "(diffoscope not installed)"
          : String(diffoscope.stdout).slice(0, 20000);
      expect.fail(
        `ISOs differ: ${cmp.stdout}\nsteps whose outputs differ:\n  ${why.join("\n  ")}\n${detail}`,
      );
    }
    // the manifests agree too, so `livedeck diff` reports the builds identical
    const d = await livedeck(["diff", a.manifest, b.manifest, "--json"]);
    expect(d.exitCode, String(d.stderr)).toBe(0);
    expect(JSON.parse(String(d.stdout))).toMatchObject({ identical: true, changes: [] });
  });
});
