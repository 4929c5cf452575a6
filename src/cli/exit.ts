import { BootFailed, formatBootFailure } from "../qemu/errors.ts";
import { InterruptedError, ToolError, UserError } from "../errors.ts";

export const EXIT = { ok: 0, failure: 1, user: 2, interrupted: 130 } as const;

/**
 * The one place errors become exit codes and messages: user mistakes and tool failures print no
 * stack; anything else is a bug and does.
 */
export function reportError(e: unknown, write: (s: string) => void = (s) => process.stderr.write(s)): number {
  if (e instanceof UserError) {
    write(`error: ${e.message}\n`);
    if (e.hint) write(`hint: ${e.hint}\n`);
    return EXIT.user;
  }
  if (e instanceof InterruptedError) {
    write("interrupted: nothing half-done was kept\n");
    return EXIT.interrupted;
  }
  if (e instanceof ToolError) {
    write(`error: stage ${e.stage} failed: ${e.message}\n`);
    write(`command: ${e.argv.map((a) => (/[\s"'$]/.test(a) ? JSON.stringify(a) : a)).join(" ")}\n`);
    write(`exit code: ${e.exitCode ?? "killed by a signal"}\n`);
    if (e.stderrTail) write(`last lines of its output:\n${e.stderrTail.replace(/^/gm, "  ")}\n`);
    return EXIT.failure;
  }
  if (e instanceof BootFailed) {
    write(`error: ${formatBootFailure(e)}\n`);
    return EXIT.failure;
  }
  write(`internal error (a bug in livedeck):\n${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  return EXIT.failure;
}
