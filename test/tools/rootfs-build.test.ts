import { execa } from "execa";
import { existsSync, readdirSync } from "node:fs";
import { cp, mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mountPoints } from "../../src/pipeline/store.ts";
import { livedeck, ROOT } from "../helpers/cli.ts";

async function stillMounted(under: string): Promise<boolean> {
  return (await mountPoints()).some((m) => m.startsWith(`${under}/`));
}

const FIXTURE = join(ROOT, "test/fixtures/decks/mini");
// a copy: a build writes the deck's lock file beside it, and the fixture stays as committed
let DECK = "";
const STEP = "rootfs:guest-base";

interface BuildJson {
  steps: { key: string; id: string; cached: boolean }[];
  store: string;
}

async function buildJson(store: string): Promise<BuildJson> {
  const r = await livedeck(["build", DECK, "--store", store, "--stop-after", STEP, "--json"]);
  expect(r.stderr, String(r.stderr)).not.toMatch(/internal error/);
  expect(r.exitCode, String(r.stderr)).toBe(0);
  return JSON.parse(String(r.stdout)) as BuildJson;
}

describe("rootfs stage with real mmdebstrap", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "livedeck-rootfs-"));
    await cp(FIXTURE, join(dir, "deck"), { recursive: true });
    DECK = join(dir, "deck", "mini.deck.yaml");
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("builds a minbase rootfs, then a rebuild is a no-op", async () => {
    const store = join(dir, "a");
    const first = await buildJson(store);
    const step = first.steps.find((s) => s.key === STEP)!;
    expect(step.cached).toBe(false);
    const tar = join(store, "objects", step.id, "out", "rootfs.tar");
    const list = await execa("tar", ["-tf", tar]);
    expect(list.stdout).toMatch(/^\.\/usr\/bin\/apt$/m);
    expect(list.stdout).toMatch(/^\.\/etc\/debian_version$/m);
    // apt's cache is emptied in the image; the .debs live in the store's cache instead
    expect(list.stdout).not.toMatch(/var\/cache\/apt\/archives\/.+\.deb$/m);
    expect(readdirSync(join(store, "debs")).some((f) => f.endsWith(".deb"))).toBe(true);

    const again = await buildJson(store);
    expect(again.steps.map((s) => s.cached)).toEqual([true]);
  });

  it("a build killed with SIGKILL mid-stage resumes and gives the same bytes as an uninterrupted one", async () => {
    const store = join(dir, "killed");
    const child = execa("node", [join(ROOT, "bin/livedeck.js"), "build", DECK, "--store", store, "--stop-after", STEP], {
      reject: false,
      env: { CI: "true" },
    });
    // Wait until the stage is really running (its temp dir exists, mmdebstrap is at work), then kill.
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline && !(existsSync(join(store, "tmp")) && readdirSync(join(store, "tmp")).length)) {
      await new Promise((r) => setTimeout(r, 100));
    }
    await new Promise((r) => setTimeout(r, 8000));
    expect(readdirSync(join(store, "objects"))).toEqual([]);
    child.kill("SIGKILL");
    const killed = await child;
    expect(killed.signal).toBe("SIGKILL");
    expect(readdirSync(join(store, "objects"))).toEqual([]);
    // mmdebstrap got SIGTERM with its parent: it unmounts and removes its chroot instead of running on.
    const orphans = async () => (await execa("pgrep", ["-f", `mmdebstrap.*${store}`], { reject: false })).stdout;
    const gone = Date.now() + 120_000;
    while (Date.now() < gone && ((await stillMounted(store)) || (await orphans()) !== "")) {
      await new Promise((r) => setTimeout(r, 500));
    }
    expect(await stillMounted(store)).toBe(false);
    expect(await orphans()).toBe("");

    const resumed = await buildJson(store);
    const id = resumed.steps[0]!.id;
    expect(resumed.steps[0]!.cached).toBe(false);
    const clean = await buildJson(join(dir, "a"));
    expect(clean.steps[0]!.id).toBe(id);
    const a = await readFile(join(store, "objects", id, "out", "rootfs.tar"));
    const b = await readFile(join(dir, "a", "objects", id, "out", "rootfs.tar"));
    expect(a.length).toBeGreaterThan(10_000_000);
    expect(a.equals(b)).toBe(true);
  });
});
