import type { Frame } from "../../../src/switcher/frame.ts";
import type { View } from "../../../src/switcher/view.ts";

/** A View that records what it is asked to show; "terminal" commands return at once. */
export class Recorder implements View {
  frames: Frame[] = [];
  lines: string[] = [];
  ran: (readonly string[])[] = [];
  shown: { title: string; text: string } | null = null;
  width = () => 80;
  render = (f: Frame) => void this.frames.push(f);
  log = (l: string) => void this.lines.push(l);
  showLog = (title: string, text: string) => void (this.shown = { title, text });
  /** What the next "terminal" command returns. */
  next = { code: 0 as number | null, stderr: "" };
  /** Runs while the "terminal" is handed over (a guest dying meanwhile). */
  during: () => Promise<unknown> = async () => undefined;
  /** Runs while the command still has the terminal. */
  attachedDuring: () => Promise<unknown> = async () => undefined;
  runInTerminal = async (argv: readonly string[], opts?: { onExit?: () => void }) => {
    this.ran.push(argv);
    await this.attachedDuring();
    opts?.onExit?.();
    await this.during();
    return this.next;
  };
  get last(): Frame {
    return this.frames.at(-1)!;
  }
  state(name: string): string {
    return this.last.lines
      .find((l) => l.slice(1).startsWith(`${name} `))!
      .slice(1)
      .split(/\s+/)[2]!;
  }
}

export async function until(cond: () => boolean, what: string): Promise<void> {
  const end = Date.now() + 3000;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

