import { execa } from "execa";
import { existsSync } from "node:fs";
import { cp, mkdir, mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLI, livedeck, ROOT } from "../helpers/cli.ts";
import { TEST_STORE } from "../helpers/ci-iso.ts";

/**
 * The build verb end to end on the CI deck, through the real CLI as a user runs it: Ctrl-C in the
 * middle of a multi-step build exits 130 and leaves nothing half-written, the next build resumes
 * after the last finished step, --from re-runs a cached step and what follows it, and `store ls`
 * and `store gc` through the CLI. A boot word no other build uses (`--append`) gives the menu and
 * ISO steps ids of their own, so they are new work while everything under them is cached.
 */
const MINUTE = 60_000;
let dir: string;
let deck: string;
const append = `livedeck.guest-timeout=${300 + (process.pid % 600)}`;

interface BuildJson {
  steps: { key: string; id: string; cached: boolean }[];
}

const build = (...extra: string[]) =>
  livedeck([
    "build",
    deck,
    "--store",
    TEST_STORE,
    "--out",
    join(dir, "out"),
    "--append",
    append,
    "--json",
    ...extra,
  ]);
const step = (r: BuildJson, key: string) => r.steps.find((s) => s.key === key)!;
/** A build that must succeed, as its --json result. */
async function built(...extra: string[]): Promise<BuildJson> {
  const r = await build(...extra);
  expect(r.exitCode, String(r.stderr)).toBe(0);
  return JSON.parse(String(r.stdout)) as BuildJson;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "livedeck-resume-"));
  await cp(join(ROOT, "flavours"), join(dir, "flavours"), { recursive: true });
  deck = join(dir, "flavours", "ci.deck.yaml");
  // everything under the menu, in the shared test store (cached when another test built the deck)
  const r = await livedeck(["build", deck, "--store", TEST_STORE, "--out", join(dir, "base"), "--json"]);
  expect(r.exitCode, String(r.stderr)).toBe(0);
}, 40 * MINUTE);
afterAll(() => rm(dir, { recursive: true, force: true }));

describe("build, interrupted and resumed, through the CLI", () => {
  it(
    "Ctrl-C during the ISO step exits 130 with no ISO written; the next build reuses the menu it finished and builds only the ISO",
    async () => {
      const tmpBefore = await readdir(join(TEST_STORE, "tmp")).catch(() => []);
      const child = execa(
        "node",
        [CLI, "build", deck, "--store", TEST_STORE, "--out", join(dir, "out"), "--append", append],
        {
          reject: false,
          cwd: ROOT,
          env: { CI: "true" },
        },
      );
      let err = "";
      let sent = false;
      // the plain renderer announces each step as it starts (on stdout); the ISO is the last
      const watch = (c: Buffer) => {
        err += c.toString();
        if (!sent && /^❯ iso$/m.test(err)) {
          sent = true;
          child.kill("SIGINT");
        }
      };
      child.stdout!.on("data", watch);
      child.stderr!.on("data", watch);
      const r = await child;
      expect(sent, `the ISO step never started:\n${err}`).toBe(true);
      expect(r.exitCode, err).toBe(130);
      expect(err).toMatch(/interrupted/i);
      expect(err).not.toMatch(/at .*\.ts:\d+/); // no stack trace for a Ctrl-C
      expect(existsSync(join(dir, "out", "ci.iso"))).toBe(false);
      // the interrupted step's temp dir is gone: only complete objects are in the store
      expect(await readdir(join(TEST_STORE, "tmp")).catch(() => [])).toEqual(tmpBefore);

      const again = await build();
      expect(again.exitCode, String(again.stderr)).toBe(0);
      const j = JSON.parse(String(again.stdout)) as BuildJson;
      expect(step(j, "menu").cached).toBe(true);
      expect(step(j, "iso").cached).toBe(false);
      expect(step(j, "dom0-initrd").cached).toBe(true);
      expect(existsSync(join(dir, "out", "ci.iso"))).toBe(true);
    },
    10 * MINUTE,
  );

  it(
    "--from menu re-runs the cached menu and the ISO after it, and nothing before",
    async () => {
      const r = await build("--from", "menu");
      expect(r.exitCode, String(r.stderr)).toBe(0);
      const j = JSON.parse(String(r.stdout)) as BuildJson;
      expect(j.steps.filter((s) => !s.cached).map((s) => s.key)).toEqual(["menu", "iso"]);
    },
    10 * MINUTE,
  );

  it(
    "store ls lists the steps; store gc on a copy keeps the plain deck's steps, drops the others and a dead build's temp dir",
    async () => {
      const ls = await livedeck(["store", "ls", "--store", TEST_STORE, "--json"]);
      expect(ls.exitCode, String(ls.stderr)).toBe(0);
      const listed = JSON.parse(String(ls.stdout)) as { id: string; key: string }[];
      const resumed = await built("--stop-after", "iso");
      const ours = step(resumed, "iso").id;
      expect(listed.map((o) => o.id)).toContain(ours);

      // a copy (hard links: instant, and gc there leaves the shared store alone)
      const copy = join(dir, "store-copy");
      await execa("cp", ["-al", TEST_STORE, copy]);
      await mkdir(join(copy, "tmp", "1-deadbeef", "out"), { recursive: true });
      const gc = await livedeck(["store", "gc", deck, "--store", copy, "--json"]);
      expect(gc.exitCode, String(gc.stderr)).toBe(0);
      const g = JSON.parse(String(gc.stdout)) as { removed: string[]; tmp: number };
      expect(g.tmp).toBe(1);
      expect(g.removed).toContain(ours); // built with --append: not the plain deck's plan
      expect(g.removed).toContain(step(resumed, "menu").id);
      const left = JSON.parse(
        String((await livedeck(["store", "ls", "--store", copy, "--json"])).stdout),
      ) as {
        key: string;
      }[];
      expect(left.map((o) => o.key)).toEqual(expect.arrayContaining(["rootfs:dom0", "dom0-initrd", "iso"]));
      expect(existsSync(join(TEST_STORE, "objects", ours))).toBe(true);
    },
    10 * MINUTE,
  );
});
