import { Dom0CommandError, runOk, type Runner, type RunOptions } from "./run.ts";

/**
 * xenstore access through the `xenstore-*` tools (tools/xenstore/xenstore_client.c, Xen 4.17).
 *
 * `xenstore-ls` without -f indents one space per level and cuts every line to 80 columns when its
 * stdout is not a terminal (values then end in `\...`), so the client always lists with -f: one
 * `/full/path = "value"` line per node, never cut. The parser reads both forms (the fixtures hold
 * both) and marks cut values.
 */

/** One node: `value` is null for a node printed as `name:` (xs_read failed, e.g. no permission). */
export interface XsNode {
  path: string;
  value: string | null;
  /** The tool cut the value (tree form, 80 columns): only a prefix is known. */
  truncated: boolean;
}

export class XenstoreParseError extends Error {
  constructor(line: string) {
    super(`cannot parse xenstore-ls line: ${JSON.stringify(line.slice(0, 120))}`);
    this.name = "XenstoreParseError";
  }
}

/** Undoes xs_sanitise_value: `\\`, `\t`, `\n`, `\r`, `\f`, `\v`, `\a` and octal `\NNN`. */
export function unsanitise(v: string): string {
  const simple: Record<string, string> = {
    "\\": "\\",
    t: "\t",
    n: "\n",
    r: "\r",
    f: "\f",
    v: "\v",
    a: "\x07",
  };
  return v.replace(/\\([0-7]{3}|[\\tnrfva])/g, (_, e: string) =>
    e.length === 3 ? String.fromCharCode(parseInt(e, 8)) : simple[e]!,
  );
}

function parseValue(rest: string, line: string): { value: string | null; truncated: boolean } {
  if (rest === ":") return { value: null, truncated: false };
  const m = /^ = "(.*)"$/.exec(rest);
  if (!m) throw new XenstoreParseError(line);
  const raw = m[1]!;
  if (raw.endsWith("\\...")) return { value: unsanitise(raw.slice(0, -4)), truncated: true };
  return { value: unsanitise(raw), truncated: false };
}

/**
 * Parses `xenstore-ls [-f] ROOT` output into nodes with absolute paths. `root` is the path that
 * was listed: tree-form names are relative to it.
 */
export function parseXenstoreLs(text: string, root: string): XsNode[] {
  const base = root.replace(/\/+$/, "");
  const stack: string[] = [];
  const nodes: XsNode[] = [];
  for (const line of text.split("\n")) {
    if (line.trim() === "") continue;
    if (line.startsWith("/")) {
      const m = /^(\/\S*?)((?: = ".*")|:)$/.exec(line);
      if (!m) throw new XenstoreParseError(line);
      nodes.push({ path: m[1]!, ...parseValue(m[2]!, line) });
      continue;
    }
    const m = /^( *)([^ =:]+)((?: = ".*")|:)$/.exec(line);
    if (!m) throw new XenstoreParseError(line);
    const depth = m[1]!.length;
    if (depth > stack.length) throw new XenstoreParseError(line);
    stack.length = depth;
    stack.push(m[2]!);
    nodes.push({ path: `${base}/${stack.join("/")}`, ...parseValue(m[3]!, line) });
  }
  return nodes;
}

/** Nodes as a path → value map (unreadable nodes are left out). */
export function xsMap(nodes: readonly XsNode[]): Map<string, string> {
  return new Map(nodes.filter((n) => n.value !== null).map((n) => [n.path, n.value!]));
}

export class Xenstore {
  constructor(private readonly run: Runner) {}

  async ls(path: string, opts?: RunOptions): Promise<XsNode[]> {
    return parseXenstoreLs(await runOk(this.run, ["xenstore-ls", "-f", path], opts), path);
  }

  /** The value at `path`, or null when the node does not exist. */
  async read(path: string, opts?: RunOptions): Promise<string | null> {
    const r = await this.run(["xenstore-read", path], opts);
    if (r.code === 0) return r.stdout.replace(/\n$/, "");
    if (/couldn't read path/.test(r.stderr)) return null;
    throw new Dom0CommandError(["xenstore-read", path], r);
  }

  async write(path: string, value: string, opts?: RunOptions): Promise<void> {
    await runOk(this.run, ["xenstore-write", path, value], opts);
  }

  /** Removes `path` and what is below it; a missing node is not an error. */
  async rm(path: string, opts?: RunOptions): Promise<void> {
    const r = await this.run(["xenstore-rm", path], opts);
    if (r.code !== 0 && !/couldn't remove|No such file|ENOENT/i.test(r.stderr))
      throw new Dom0CommandError(["xenstore-rm", path], r);
  }

  /** argv of a watch that prints each changed path on its own line (the switcher's refresh trigger). */
  static watchArgv(path: string): string[] {
    return ["xenstore-watch", path];
  }
}
