/** A string as one POSIX shell word, for hook commands that a shell runs (mmdebstrap hooks). */
export function shellQuote(s: string): string {
  return `'${s.replaceAll("'", `'\\''`)}'`;
}
