import { spawn } from "node:child_process";

/**
 * How dom0 code runs `xl` and `xenstore-*`. Injected everywhere, so the switcher runs against
 * recorded output in `--demo` mode and in tests. This is dom0 code bundled without node_modules:
 * it uses node:child_process, not the host-side execa wrapper in src/tools/exec.ts.
 */
export type Runner = (argv: readonly string[], opts?: RunOptions) => Promise<RunResult>;

export interface RunOptions {
  /** Cancels the command (the switcher's "cancel" key); the result then has `cancelled`. */
  signal?: AbortSignal;
  /** Kills the command after this long; the result then has `timedOut`. */
  timeoutMs?: number;
}

export interface RunResult {
  stdout: string;
  stderr: string;
  /** Exit code; null when killed by a signal. */
  code: number | null;
  cancelled?: boolean;
  timedOut?: boolean;
}

/** A dom0 command failed: `message` is what the tool said (its last stderr line), for the log pane. */
export class Dom0CommandError extends Error {
  constructor(
    readonly argv: readonly string[],
    readonly result: RunResult,
  ) {
    super(`${argv.join(" ")}: ${failureSummary(result)}`);
    this.name = "Dom0CommandError";
  }
}

/**
 * The line a person needs: libxl prints the cause first and its cleanup after ("Domain with name
 * "t80" already exists." then three "Unable to destroy" lines), so the first error line wins,
 * without its `libxl: error: file.c:NN:function: ` prefix; other tools say it on their last line.
 */
export function failureSummary(r: RunResult): string {
  if (r.cancelled) return "cancelled";
  if (r.timedOut) return "timed out";
  const lines = (r.stderr || r.stdout)
    .split("\n")
    .map((l) => l.trim())
    .filter(Boolean);
  const error = lines.find((l) => /^libxl: error: /.test(l));
  if (error) return error.replace(/^libxl: error: [\w.-]+:\d+:\w+: /, "");
  return lines.at(-1) ?? (r.code === null ? "killed by a signal" : `exit code ${r.code}`);
}

/** Runs `argv` and throws Dom0CommandError unless it exits 0. */
export async function runOk(run: Runner, argv: readonly string[], opts?: RunOptions): Promise<string> {
  const r = await run(argv, opts);
  if (r.code !== 0 || r.cancelled || r.timedOut) throw new Dom0CommandError(argv, r);
  return r.stdout;
}

/** The real runner: spawns the command, collects its output, never rejects for a failing command. */
export const spawnRunner: Runner = (argv, opts = {}) =>
  new Promise((resolve) => {
    const [file, ...args] = argv;
    if (!file) throw new Error("spawnRunner: empty argv");
    const child = spawn(file, args, { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    let cancelled = false;
    let timedOut = false;
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    const onAbort = () => {
      cancelled = true;
      child.kill("SIGTERM");
    };
    opts.signal?.addEventListener("abort", onAbort, { once: true });
    if (opts.signal?.aborted) onAbort();
    const timer =
      opts.timeoutMs === undefined
        ? undefined
        : setTimeout(() => {
            timedOut = true;
            child.kill("SIGTERM");
          }, opts.timeoutMs);
    const done = (code: number | null, err?: Error) => {
      clearTimeout(timer);
      opts.signal?.removeEventListener("abort", onAbort);
      resolve({
        stdout,
        stderr: err ? `${stderr}${err.message}\n` : stderr,
        code: err ? 127 : code,
        ...(cancelled ? { cancelled } : {}),
        ...(timedOut ? { timedOut } : {}),
      });
    };
    child.on("error", (err) => done(null, err));
    child.on("close", (code) => done(code));
  });
