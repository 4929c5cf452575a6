import { spawnSync } from "node:child_process";

/**
 * A serial console (hvc0, ttyS0) reports a 0×0 window and blessed then draws into 1×1. The size to
 * assume instead: $COLUMNS/$LINES when set, else 80×24. Null when the terminal knows its size.
 */
export function fallbackSize(
  cols: number | undefined,
  rows: number | undefined,
  env: NodeJS.ProcessEnv,
): { cols: number; rows: number } | null {
  if (cols && rows) return null;
  const n = (v: string | undefined, d: number) => (v && /^\d+$/.test(v) && Number(v) > 0 ? Number(v) : d);
  return { cols: n(env.COLUMNS, 80), rows: n(env.LINES, 24) };
}

/**
 * Gives a terminal without a size one: in the kernel (so `xl console` and a shell see it too)
 * and on process.stdout, where blessed reads it.
 */
export function ensureTerminalSize(out: NodeJS.WriteStream = process.stdout): string | null {
  const size = fallbackSize(out.columns, out.rows, process.env);
  if (!size) return null;
  spawnSync("stty", ["cols", String(size.cols), "rows", String(size.rows)], {
    stdio: ["inherit", "ignore", "ignore"],
  });
  out.columns = size.cols;
  out.rows = size.rows;
  return `the terminal reports no size: assuming ${size.cols}x${size.rows}`;
}
