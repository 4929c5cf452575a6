import { join } from "node:path";
import { z } from "zod";
import { describe, expect, it } from "vitest";
import { formatProblem, parseYaml, zodProblems } from "../../../src/deck/yaml-errors.ts";

function problems(schema: z.ZodTypeAny, text: string) {
  const { parsed, problems } = parseYaml(text, "/x/f.yaml");
  if (problems.length) return problems;
  const r = schema.safeParse(parsed.doc.toJS());
  return r.success ? [] : zodProblems(r.error, parsed, schema);
}

describe("formatProblem", () => {
  it("writes file:line:col key: message, relative to the working directory", () => {
    const file = join(process.cwd(), "flavours/jeos.yaml");
    expect(formatProblem({ file, line: 12, col: 5, key: "memory", message: "m" })).toBe(
      "flavours/jeos.yaml:12:5 memory: m",
    );
    expect(formatProblem({ file, line: 1, col: 1, key: "", message: "m" })).toBe("flavours/jeos.yaml:1:1 m");
  });
});

describe("parseYaml", () => {
  it("names a duplicate key at its second occurrence", () => {
    expect(problems(z.any(), "a: 1\nb:\n  c: 1\n  c: 2\n")).toEqual([
      {
        file: "/x/f.yaml",
        line: 4,
        col: 3,
        key: "",
        message: "duplicate key c: expected each key once per mapping",
      },
    ]);
  });

  it("reports a syntax error with its position", () => {
    const [p] = problems(z.any(), "a: [1\nb: 2\n");
    expect(p).toMatchObject({ line: 2, col: 1, message: expect.stringMatching(/^invalid YAML: /) });
  });
});

describe("zodProblems", () => {
  const schema = z
    .object({ memory: z.number(), inner: z.object({ level: z.number().int() }).strict() })
    .strict();

  it("lists the valid keys when no key is close to an unknown one", () => {
    expect(problems(schema, "memory: 1\ninner: { level: 1, zzzzzz: 2 }\n")).toEqual([
      {
        file: "/x/f.yaml",
        line: 2,
        col: 20,
        key: "inner.zzzzzz",
        message: "unknown key (expected one of level)",
      },
    ]);
  });

  it("says what was written where a value has the wrong type", () => {
    const got = problems(schema, 'memory: "1G"\ninner:\n  level: [1]\n').map(
      (p) => `${p.line}:${p.col} ${p.key}: ${p.message}`,
    );
    expect(got).toEqual([
      '1:9 memory: expected a number, got "1G"',
      "3:10 inner.level: expected a whole number, got a list",
    ]);
  });

  it("points a missing key at the mapping that lacks it", () => {
    expect(problems(schema, "inner:\n  level: 1\n")).toMatchObject([
      { line: 1, col: 1, key: "memory", message: "required: a number" },
    ]);
  });

  it("says nothing was written for an empty value", () => {
    expect(problems(schema, "memory:\ninner: { level: 1 }\n")).toMatchObject([
      { key: "memory", message: "expected a number, got nothing" },
    ]);
  });
});
