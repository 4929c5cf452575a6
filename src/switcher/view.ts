import type { Frame } from "./frame.ts";

/** What the controller needs from the screen (blessed in screen.ts; a recorder in tests). */
export interface View {
  width(): number;
  render(f: Frame): void;
  log(line: string): void;
  showLog(title: string, text: string): void;
  /**
   * Hands the terminal to a command (a guest console, a shell) and takes it back when it exits.
   * With `captureStderr` its stderr is collected instead of shown (xl console's error messages).
   */
  runInTerminal(
    argv: readonly string[],
    opts?: {
      captureStderr?: boolean;
      /** Called the moment the command exits and the screen takes keys again (before the result). */
      onExit?: () => void;
    },
  ): Promise<TerminalRun>;
}

export interface TerminalRun {
  code: number | null;
  stderr: string;
}
