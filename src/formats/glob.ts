/**
 * Shell-style globs over paths relative to a tree's root ("usr/share/doc/**"), compiled to RegExp.
 * `*` and `?` stay inside one path segment, `**` crosses segments (`a/**` is everything below a,
 * `**` + `/x` also matches a top-level x), `[abc]`/`[!abc]` are classes, `{a,b}` alternatives.
 * A leading "/" or "./" is ignored, so deck authors may write absolute-looking paths.
 */
export function globToRegExpSource(glob: string): string {
  const g = glob.replace(/^\.?\/+/, "");
  let out = "";
  let depth = 0;
  for (let i = 0; i < g.length; i++) {
    const c = g[i]!;
    if (c === "*" && g[i + 1] === "*") {
      const slashAfter = g[i + 2] === "/";
      out += slashAfter ? "(?:.*/)?" : ".*";
      i += slashAfter ? 2 : 1;
    } else if (c === "*") out += "[^/]*";
    else if (c === "?") out += "[^/]";
    else if (c === "[") {
      const end = g.indexOf("]", i + 2);
      if (end < 0) {
        out += "\\[";
        continue;
      }
      let body = g.slice(i + 1, end);
      if (body.startsWith("!")) body = `^${body.slice(1)}`;
      out += `[${body.replace(/\\/g, "\\\\")}]`;
      i = end;
    } else if (c === "{") {
      depth++;
      out += "(?:";
    } else if (c === "}" && depth > 0) {
      depth--;
      out += ")";
    } else if (c === "," && depth > 0) out += "|";
    else if (c === "\\" && i + 1 < g.length) out += escapeRegExp(g[++i]!);
    else out += escapeRegExp(c);
  }
  if (depth > 0) throw new Error(`unbalanced '{' in glob ${JSON.stringify(glob)}`);
  return out;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
}

/** One matcher for any of `globs` (never matches when the list is empty). */
export function compileGlobs(globs: readonly string[]): (path: string) => boolean {
  if (globs.length === 0) return () => false;
  const re = new RegExp(`^(?:${globs.map(globToRegExpSource).join("|")})$`);
  return (path) => re.test(path);
}

/** A literal path as a glob that matches exactly it. */
export function globEscape(path: string): string {
  return path.replace(/[*?[\]{}\\,]/g, "\\$&");
}
