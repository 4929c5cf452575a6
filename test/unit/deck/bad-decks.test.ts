import { readdirSync, readFileSync } from "node:fs";
import { basename, join } from "node:path";
import { describe, expect, it } from "vitest";
import { DeckError, loadDeck } from "../../../src/deck/load.ts";
import { formatProblem } from "../../../src/deck/yaml-errors.ts";

/**
 * test/fixtures/bad/<case>/: deck.yaml (+ the flavour files it names) and expected.json, one problem
 * or a list: { file, line, col, key?, message } where message is a substring (or several) of
 * "key: message". Every problem the loader reports must be expected, and every expected one reported.
 */
interface Expected {
  file: string;
  line: number;
  col: number;
  key?: string;
  message: string | string[];
}

const root = join(import.meta.dirname, "../../fixtures/bad");
const cases = readdirSync(root).sort();

async function problemsOf(deck: string) {
  try {
    await loadDeck(deck);
  } catch (e) {
    if (e instanceof DeckError) return e.problems;
    throw e;
  }
  throw new Error(`${deck} loaded without error`);
}

describe("bad decks", () => {
  it("has a corpus of at least 25 cases", () => {
    expect(cases.length).toBeGreaterThanOrEqual(25);
  });

  it.each(cases)("%s", async (name) => {
    const raw = JSON.parse(readFileSync(join(root, name, "expected.json"), "utf8")) as Expected | Expected[];
    const expected = Array.isArray(raw) ? raw : [raw];
    const problems = await problemsOf(join(root, name, "deck.yaml"));
    const shown = problems.map(formatProblem).join("\n");
    expect(problems.length, shown).toBe(expected.length);
    expected.forEach((want, i) => {
      const p = problems[i]!;
      expect({ file: basename(p.file), line: p.line, col: p.col }, shown).toEqual({
        file: want.file,
        line: want.line,
        col: want.col,
      });
      if (want.key !== undefined) expect(p.key, shown).toBe(want.key);
      for (const part of [want.message].flat())
        expect(p.key ? `${p.key}: ${p.message}` : p.message).toContain(part);
    });
  });

  it("formats a problem as file:line:col key: message, with a hint naming the count", async () => {
    const err = await loadDeck(join(root, "several-problems/deck.yaml")).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DeckError);
    const lines = (err as DeckError).message.split("\n");
    expect(lines).toHaveLength(3);
    expect(lines[1]).toMatch(
      /several-problems\/deck\.yaml:4:10 dom0\.vcpus: expected a whole number from 1 to 64, got 0$/,
    );
    expect((err as DeckError).hint).toBe("3 problems; fix them and build again");
  });

  it("reports a missing deck file as a UserError, not a crash", async () => {
    await expect(loadDeck(join(root, "no-such-case/deck.yaml"))).rejects.toMatchObject({
      name: "UserError",
      message: expect.stringContaining("cannot read deck"),
    });
  });
});
