import { execa } from "execa";

/**
 * A terminal for the switcher's headless tests: a tmux session of a given size on a private
 * server (its own socket), driven with send-keys and read with capture-pane.
 */
export class TmuxTerm {
  private readonly socket = `livedeck-switcher-test-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  private readonly session = "sw";

  private tmux(...args: string[]) {
    return execa("tmux", ["-L", this.socket, ...args]);
  }

  async start(command: string, size = { cols: 80, rows: 24 }): Promise<void> {
    await this.tmux(
      "new-session",
      "-d",
      "-s",
      this.session,
      "-x",
      String(size.cols),
      "-y",
      String(size.rows),
      command,
    );
    // Keep the pane when the command exits, so its last screen can be read.
    await this.tmux("set-option", "-t", this.session, "remain-on-exit", "on");
  }

  /** tmux key names: Down, Enter, C-], or literal text with `literal`. */
  async keys(keys: string, literal = false): Promise<void> {
    await this.tmux("send-keys", "-t", this.session, ...(literal ? ["-l"] : []), keys);
  }

  async screen(): Promise<string> {
    return (await this.tmux("capture-pane", "-p", "-t", this.session)).stdout;
  }

  /** Waits until the screen satisfies `pred`; fails with the last screen. */
  async waitFor(pred: (screen: string) => boolean, what: string, timeoutMs = 10_000): Promise<string> {
    const end = Date.now() + timeoutMs;
    let s = "";
    while (Date.now() < end) {
      s = await this.screen();
      if (pred(s)) return s;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`screen never showed ${what}; last screen:\n${s}`);
  }

  async stop(): Promise<void> {
    await this.tmux("kill-server").catch(() => undefined);
  }
}

/** The list row of a guest as the screen shows it (">" marks the selection). */
export function rowOf(screen: string, name: string): string | undefined {
  return screen.split("\n").find((l) => l.slice(1).startsWith(`${name} `));
}
