/** Output helpers shared by verbs: --json alone on stdout, everything else on stderr. */

export function printJson(v: unknown): void {
  process.stdout.write(JSON.stringify(v, null, 2) + "\n");
}

/** A plain text table with left-aligned columns. */
export function table(rows: readonly (readonly string[])[]): string {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? "").length))) ?? [];
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join("  ")).join("\n") + "\n";
}

export function humanBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ["KiB", "MiB", "GiB"];
  let v = n / 1024;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${v.toFixed(1)} ${units[u]}`;
}

/** How build progress is shown: animated on a terminal, plain lines in CI or pipes, none with --json. */
export function rendererFor(json: boolean): "tty" | "plain" | "silent" {
  if (json) return "silent";
  return process.stderr.isTTY && !process.env.CI ? "tty" : "plain";
}
