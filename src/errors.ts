/** Something the user can fix: one line, then a hint naming the exact fix. Exit code 2. */
export class UserError extends Error {
  constructor(
    message: string,
    readonly hint?: string,
  ) {
    super(message);
    this.name = "UserError";
  }
}

/** A host tool failed. Carries what a user needs to see the cause without re-running with -v. Exit code 1. */
export class ToolError extends Error {
  constructor(
    readonly stage: string,
    readonly argv: readonly string[],
    readonly exitCode: number | undefined,
    readonly stderrTail: string,
    detail?: string,
  ) {
    super(detail ?? `${argv[0]} exited with ${exitCode ?? "a signal"}`);
    this.name = "ToolError";
  }
}

/** The build was interrupted (SIGINT/SIGTERM). Exit code 130. */
export class InterruptedError extends Error {
  constructor() {
    super("interrupted");
    this.name = "InterruptedError";
  }
}

/** The last `n` non-empty lines of a tool's output. */
export function tailLines(text: string, n = 20): string {
  return text.split("\n").filter((l) => l.trim() !== "").slice(-n).join("\n");
}
