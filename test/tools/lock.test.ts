import { createHash } from "node:crypto";
import { cp, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseLock } from "../../src/lock/lock-file.ts";
import { livedeck, ROOT } from "../helpers/cli.ts";
import { TEST_STORE } from "../helpers/ci-iso.ts";

// The mini deck up to its one layer: the shared minbase and a flavour that adds nothing. The warm
// test store holds the minbase (the CI deck's, same options), so a warm run installs nothing.
const STOP = ["--stop-after", "layer:tiny"];
let dir: string;
let deck: string;
let lockFile: string;
let lockText: string;

const planIds = async (store = TEST_STORE) => {
  const r = await livedeck(["plan", deck, "--store", store, "--json"]);
  expect(r.exitCode, String(r.stderr)).toBe(0);
  const steps = JSON.parse(String(r.stdout)).steps as { key: string; id: string; cached: boolean }[];
  return new Map(steps.map((s) => [s.key, s]));
};
const build = (...args: string[]) =>
  livedeck(["build", deck, "--store", TEST_STORE, "--out", join(dir, "out"), "--json", ...STOP, ...args]);
/** The lock text with one package line of one root changed. */
function editPackage(text: string, root: string, name: string, edit: (line: string) => string): string {
  const lines = text.split("\n");
  const start = lines.indexOf(`  "${root}":`);
  const i = lines.findIndex((l, n) => n > start && l.includes(`{name: "${name}",`));
  expect(start >= 0 && i > start && !lines.slice(start + 1, i).some((l) => /^  "/.test(l))).toBe(true);
  lines[i] = edit(lines[i]!);
  return lines.join("\n");
}
const objects = async () => (await readdir(join(TEST_STORE, "objects"))).length;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "livedeck-lock-"));
  await cp(join(ROOT, "test/fixtures/decks/mini"), dir, { recursive: true });
  deck = join(dir, "mini.deck.yaml");
  lockFile = join(dir, "mini.deck.lock");
  // A first build writes only the roots the store holds, and --locked wants them all: dom0 is
  // beyond --stop-after, so it is built first (the CI deck's, same options) whatever ran before.
  const d = await livedeck([
    "build",
    deck,
    "--store",
    TEST_STORE,
    "--out",
    join(dir, "out"),
    "--stop-after",
    "rootfs:dom0",
  ]);
  expect(d.exitCode, String(d.stderr)).toBe(0);
  const r = await build();
  expect(r.exitCode, String(r.stderr)).toBe(0);
  lockText = await readFile(lockFile, "utf8");
});

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe("lock file (real mmdebstrap, mirror index and CLI)", () => {
  it("the first build writes the lock: every installed package with the sha256 of the .deb it came from", async () => {
    const lock = parseLock(lockText, lockFile);
    expect(Object.keys(lock.roots).sort()).toEqual(["dom0", "guest-base", "tiny"]);
    const base = lock.roots["guest-base"]!.packages;
    expect(base.map((p) => p.name)).toEqual(expect.arrayContaining(["base-files", "libc6", "apt", "dpkg"]));
    expect(lock.roots.tiny!.packages).toEqual(base);
    expect(lock.release.map((r) => r.source).join(" ")).toMatch(/ bookworm/);
    expect(lock.release.every((r) => r.date)).toBe(true);
    // the hashes are the cached .debs' bytes (the essential set's too: --skip=essential/unlink)
    const apt = base.find((p) => p.name === "apt")!;
    const deb = await readFile(join(TEST_STORE, "debs", `apt_${apt.version}_${apt.arch}.deb`));
    expect(createHash("sha256").update(deb).digest("hex")).toBe(apt.sha256);
  });

  it("the next build, --locked, is all cached: the written lock's ids were adopted", async () => {
    const r = await build("--locked");
    expect(r.exitCode, String(r.stderr)).toBe(0);
    const out = JSON.parse(String(r.stdout));
    expect(out.steps.every((s: { cached: boolean }) => s.cached)).toBe(true);
    expect(out.lock.written).toBe(false);
    expect(await readFile(lockFile, "utf8")).toBe(lockText);
  });

  it("a lock edit changes exactly the ids of the steps built on that root", async () => {
    const before = await planIds();
    await writeFile(
      lockFile,
      editPackage(lockText, "tiny", "bash", (l) => l.replace(/version: "([^"]*)"/, 'version: "$1+x"')),
    );
    const after = await planIds();
    // the saved states are built on that root too (the mini deck primes both vendors by default)
    const changed = [...before.keys()].filter((k) => before.get(k)!.id !== after.get(k)!.id);
    expect(changed).toEqual([
      "layer:tiny",
      "squashfs:tiny",
      "pool",
      "guests-medium",
      "iso:prime",
      "prime:intel",
      "prime:amd",
      "iso",
    ]);
    await writeFile(lockFile, lockText);
  });

  it("--locked refuses a version the mirror no longer has, listing it, and builds nothing", async () => {
    await writeFile(
      lockFile,
      editPackage(lockText, "tiny", "bash", (l) => l.replace(/version: "([^"]*)"/, 'version: "$1~gone"')),
    );
    const n = await objects();
    const r = await build("--locked");
    expect(r.exitCode).toBe(2);
    expect(String(r.stderr)).toMatch(
      /the mirror no longer has 1 locked package versions \(nothing was built\):\n\s+bash=.*~gone \(amd64, root tiny\)/,
    );
    expect(await objects()).toBe(n);
    await writeFile(lockFile, lockText);
  });

  it("refuses a hand-edited sha256", async () => {
    await writeFile(
      lockFile,
      editPackage(lockText, "tiny", "bash", (l) =>
        l.replace(/sha256: "[0-9a-f]{64}"/, `sha256: "${"0".repeat(64)}"`),
      ),
    );
    const r = await build();
    expect(r.exitCode).toBe(2);
    expect(String(r.stderr)).toMatch(
      /1 locked sha256 sums differ from the mirror's:\n\s+bash=\S+ \(amd64, root tiny\): lock 000000000000…/,
    );
    await writeFile(lockFile, lockText);
  });

  it("refuses a lock from another suite, with the reason", async () => {
    await writeFile(lockFile, lockText.replace('suite: "bookworm"', 'suite: "trixie"'));
    const r = await livedeck(["plan", deck, "--store", TEST_STORE]);
    expect(r.exitCode).toBe(2);
    expect(String(r.stderr)).toMatch(/was resolved for suite trixie, but the deck builds bookworm/);
    await writeFile(lockFile, lockText);
  });

  it("reports stale entries; --locked refuses them and `lock --update ROOT` removes them", async () => {
    await writeFile(
      lockFile,
      lockText
        .replace(/("tiny":\n\s+requested: \[)/, '$1"emacs"')
        .replace("roots:\n", 'roots:\n  "gone":\n    requested: []\n    packages: []\n'),
    );
    const st = await livedeck(["lock", deck, "--store", TEST_STORE, "--json"]);
    expect(st.exitCode, String(st.stderr)).toBe(0);
    const status = JSON.parse(String(st.stdout));
    expect(status.staleRoots).toEqual(["gone"]);
    expect(status.roots.find((r: { root: string }) => r.root === "tiny").stale).toEqual(["emacs"]);
    const plain = await build();
    expect(plain.exitCode, String(plain.stderr)).toBe(0);
    expect(JSON.parse(String(plain.stdout)).lock.stale).toEqual([
      "root gone: the deck no longer builds it",
      "root tiny: the deck no longer asks for emacs",
    ]);
    expect((await build("--locked")).stderr).toMatch(
      /--locked: .* is out of date:\n\s+root gone: the deck no longer builds it\n\s+root tiny: the deck no longer asks for emacs/,
    );
    const up = await livedeck(["lock", deck, "--update", "tiny", "--store", TEST_STORE, "--json"]);
    expect(up.exitCode, String(up.stderr)).toBe(0);
    expect(JSON.parse(String(up.stdout))).toMatchObject({ written: true, resolved: ["tiny"], stale: [] });
    expect(await readFile(lockFile, "utf8")).toBe(lockText);
  });
});
