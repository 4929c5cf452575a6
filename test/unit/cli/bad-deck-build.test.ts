import { existsSync } from "node:fs";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { livedeck } from "../../helpers/cli.ts";

describe("livedeck build with a bad deck", () => {
  it("exits 2 with file:line:col and a hint, and writes nothing", async () => {
    const dir = await mkdtemp(join(tmpdir(), "livedeck-bad-"));
    const deck = join(dir, "bad.deck.yaml");
    await writeFile(deck, "name: bad\ndom0:\n  memroy: 1G\n");
    const r = await livedeck(["build", deck, "--store", join(dir, "store"), "--out", join(dir, "out")]);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/bad\.deck\.yaml:3:3 dom0\.memroy: unknown key \(did you mean memory\?\)/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(join(dir, "store"))).toBe(false);
    expect(existsSync(join(dir, "out"))).toBe(false);
  }, 20_000);

  it("an unknown flag is a usage error (2) and --help explains every option", async () => {
    const bad = await livedeck(["build", "--nope"]);
    expect(bad.exitCode).toBe(2);
    const help = await livedeck(["build", "--help"]);
    expect(help.exitCode).toBe(0);
    for (const flag of ["--store", "--out", "--stop-after", "--from", "--force", "--append", "--format", "--verbose", "--json"]) {
      expect(help.stdout).toContain(flag);
    }
  }, 20_000);
});
