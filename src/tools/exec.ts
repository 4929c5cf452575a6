import { execa, type ResultPromise } from "execa";
import { ToolError, tailLines } from "../errors.ts";

export interface ExecOptions {
  /** Stage (or verb) on whose behalf the tool runs: named in a ToolError. */
  stage: string;
  cwd?: string;
  env?: Record<string, string>;
  input?: string | Buffer;
  /** Called with each line of stdout/stderr as it arrives (-v streams tool output). */
  onLine?: (line: string) => void;
  signal?: AbortSignal;
  /** Return stdout as a Buffer instead of text. */
  binary?: boolean;
}

export interface ExecResult {
  stdout: string;
  stderr: string;
}

/**
 * Runs one host tool. The only place that calls execa for build work: failures become ToolError
 * with the argv, exit code and stderr tail, so every stage reports them the same way.
 */
export async function exec(argv: readonly string[], opts: ExecOptions): Promise<ExecResult> {
  const [file, ...args] = argv;
  if (!file) throw new Error("exec: empty argv");
  const child: ResultPromise = execa(file, args, {
    cwd: opts.cwd,
    env: opts.env,
    extendEnv: true,
    input: opts.input,
    cancelSignal: opts.signal,
    reject: false,
    stripFinalNewline: true,
    maxBuffer: 256 * 1024 * 1024,
    ...(opts.onLine ? { lines: false } : {}),
  });
  if (opts.onLine) {
    const onLine = opts.onLine;
    let pending = "";
    const feed = (chunk: Buffer) => {
      pending += chunk.toString();
      const parts = pending.split("\n");
      pending = parts.pop() ?? "";
      for (const p of parts) onLine(p);
    };
    child.stdout?.on("data", feed);
    child.stderr?.on("data", feed);
  }
  const r = await child;
  const stdout = String(r.stdout ?? "");
  const stderr = String(r.stderr ?? "");
  if (r.failed) {
    throw new ToolError(
      opts.stage,
      argv,
      r.exitCode,
      tailLines(stderr || stdout),
      r.isCanceled ? "cancelled" : r.shortMessage,
    );
  }
  return { stdout, stderr };
}
