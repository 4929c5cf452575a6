/**
 * What Debian's Node needs beyond its ELF dependencies: bookworm builds it with "shared builtins"
 * (acorn, cjs-module-lexer, undici) read at run time from absolute paths compiled into libnode
 * (NODE_SHARED_BUILTIN_*_PATH). They are found by scanning the library for those path strings, so
 * another Node build cannot drift from a hand-kept list.
 */
const BUILTIN_PATH = /^\/usr\/share\/nodejs\/[A-Za-z0-9@._/-]+\.js$/;

/** The NUL-terminated `/usr/share/nodejs/….js` strings of a binary, each once, in file order. */
export function sharedBuiltinPaths(binary: Buffer): string[] {
  const found = new Set<string>();
  const needle = Buffer.from("/usr/share/nodejs/");
  for (let at = binary.indexOf(needle); at >= 0; at = binary.indexOf(needle, at + 1)) {
    // Only whole strings: preceded by NUL (or the start) and ended by NUL; a define's text
    // ("…_PATH=/usr/share/…", inside JSON) is not a path string.
    if (at > 0 && binary[at - 1] !== 0) continue;
    const end = binary.indexOf(0, at);
    if (end < 0) break;
    const s = binary.subarray(at, end).toString("latin1");
    if (BUILTIN_PATH.test(s)) found.add(s);
  }
  return [...found];
}
