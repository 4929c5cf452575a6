import { relative } from "node:path";
import { isMap, isNode, isPair, isScalar, isSeq, LineCounter, parseDocument, type Document } from "yaml";
import type { ZodError, ZodIssue, ZodTypeAny } from "zod";
import { expectation, keysAt, schemaAt } from "./expectation.ts";
import { closest } from "./suggest.ts";

/** One problem in a deck or flavour file, with its position. */
export interface DeckProblem {
  file: string;
  line: number;
  col: number;
  key: string;
  message: string;
}

export function formatProblem(p: DeckProblem): string {
  const where = `${relative(process.cwd(), p.file) || p.file}:${p.line}:${p.col}`;
  return p.key ? `${where} ${p.key}: ${p.message}` : `${where} ${p.message}`;
}

export interface ParsedYaml {
  doc: Document.Parsed;
  lines: LineCounter;
  file: string;
}

export function parseYaml(text: string, file: string): { parsed: ParsedYaml; problems: DeckProblem[] } {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const problems = doc.errors.map((e) => {
    const pos = lines.linePos(e.pos[0]);
    const message =
      e.code === "DUPLICATE_KEY"
        ? `duplicate key ${/^[^:\n]*/.exec(text.slice(e.pos[0]))![0].trim()}: expected each key once per mapping`
        : `invalid YAML: ${e.message.split("\n")[0]!}`;
    return { file, line: pos.line, col: pos.col, key: "", message };
  });
  return { parsed: { doc, lines, file }, problems };
}

/** Position of the node at `path` (its key when `atKey`), else of the nearest ancestor that exists. */
function positionOf(
  y: ParsedYaml,
  path: readonly (string | number)[],
  atKey: boolean,
): { line: number; col: number } {
  for (let n = path.length; n >= 0; n--) {
    const sub = path.slice(0, n);
    const parent = sub.length ? y.doc.getIn(sub.slice(0, -1), true) : y.doc.contents;
    if (atKey && n === path.length && isMap(parent) && sub.length) {
      const last = String(sub[sub.length - 1]);
      const pair = parent.items.find((it) => isPair(it) && isScalar(it.key) && String(it.key.value) === last);
      if (pair && isNode(pair.key) && pair.key.range) return y.lines.linePos(pair.key.range[0]);
    }
    const node = sub.length ? y.doc.getIn(sub, true) : y.doc.contents;
    if (isNode(node) && node.range) return y.lines.linePos(node.range[0]);
  }
  return { line: 1, col: 1 };
}

function keyName(path: readonly (string | number)[]): string {
  return path.map((p, i) => (typeof p === "number" ? `[${p}]` : i ? `.${p}` : p)).join("");
}

/** The value the user wrote at `path`, as a message shows it. */
function written(y: ParsedYaml, path: readonly (string | number)[]): string {
  const node = path.length ? y.doc.getIn(path, true) : y.doc.contents;
  if (isMap(node)) return "a mapping";
  if (isSeq(node)) return "a list";
  if (isScalar(node)) {
    const v = node.value;
    if (v === null) return "nothing";
    return typeof v === "string" ? JSON.stringify(v) : String(v);
  }
  return path.length ? "nothing" : "nothing (the file is empty)";
}

type Described = { path: (string | number)[]; message: string; atKey: boolean };

function describeIssue(issue: ZodIssue, y: ParsedYaml, schema: ZodTypeAny): Described[] {
  const field = schemaAt(schema, issue.path);
  const want = field ? expectation(field) : undefined;
  const got = written(y, issue.path);
  const expected = (fallback: string) => `expected ${want ?? fallback}, got ${got}`;
  switch (issue.code) {
    case "unrecognized_keys":
      return issue.keys.map((k) => {
        const valid = keysAt(schema, issue.path);
        const hint = closest(k, valid);
        const message = hint
          ? `unknown key (did you mean ${hint}?)`
          : `unknown key (expected one of ${valid.join(", ")})`;
        return { path: [...issue.path, k], message, atKey: true };
      });
    case "invalid_type":
      if (issue.received === "undefined") {
        const what = field?.description ? `${field.description} (${want})` : (want ?? issue.expected);
        return [{ path: issue.path, message: `required: ${what}`, atKey: true }];
      }
      return [{ path: issue.path, message: expected(issue.expected), atKey: false }];
    case "invalid_enum_value": {
      const hint = closest(String(issue.received), issue.options.map(String));
      const msg = `expected one of ${issue.options.join(", ")}, got ${got}`;
      return [{ path: issue.path, message: hint ? `${msg} (did you mean ${hint}?)` : msg, atKey: false }];
    }
    case "too_small":
    case "too_big":
    case "invalid_union":
      return [{ path: issue.path, message: expected(issue.message), atKey: false }];
    case "invalid_string":
      return [{ path: issue.path, message: `${issue.message}, got ${got}`, atKey: false }];
    default:
      return [{ path: issue.path, message: issue.message, atKey: false }];
  }
}

/** Turns a zod error into positioned problems, each naming what `schema` expected there. */
export function zodProblems(err: ZodError, y: ParsedYaml, schema: ZodTypeAny): DeckProblem[] {
  return err.issues.flatMap((issue) =>
    describeIssue(issue, y, schema).map(({ path, message, atKey }) => {
      const pos = positionOf(y, path, atKey);
      return { file: y.file, line: pos.line, col: pos.col, key: keyName(path), message };
    }),
  );
}
