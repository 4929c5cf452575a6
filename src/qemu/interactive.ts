const CTRL_A = 0x01;
const CTRL_BRACKET = 0x1d;

export const QUIT_HELP = "quit with Ctrl-] Ctrl-] or Ctrl-a x (Ctrl-a Ctrl-a types Ctrl-a)";

/**
 * Reads keys for the serial console and finds the quit sequences: Ctrl-] twice (telnet's escape)
 * or Ctrl-a x (QEMU's). Everything else, including Ctrl-C, goes to the VM. A lone escape byte at the
 * end of a chunk waits for the next key.
 */
export class QuitKeys {
  private held: number | undefined;

  feed(chunk: Buffer): { forward: Buffer; quit: boolean } {
    const out: number[] = [];
    for (const b of chunk) {
      const held = this.held;
      this.held = undefined;
      if (held === CTRL_BRACKET && b === CTRL_BRACKET) return { forward: Buffer.from(out), quit: true };
      if (held === CTRL_A && (b === 0x78 || b === 0x58)) return { forward: Buffer.from(out), quit: true };
      if (held === CTRL_A && b === CTRL_A) {
        out.push(CTRL_A);
        continue;
      }
      if (held !== undefined) out.push(held);
      if (b === CTRL_A || b === CTRL_BRACKET) this.held = b;
      else out.push(b);
    }
    return { forward: Buffer.from(out), quit: false };
  }
}

export interface Terminal {
  stdin: NodeJS.ReadableStream & { isTTY?: boolean; setRawMode?: (raw: boolean) => unknown };
  /** Where console output goes (stderr when stdout is reserved for --json). */
  output: NodeJS.WritableStream;
}

/**
 * Connects a person's terminal to the console until they press a quit sequence or `done` settles.
 * Console output is written by the caller (QemuProcess.onConsoleData); this handles the keys.
 */
export async function attachKeys(
  term: Terminal,
  send: (b: Buffer) => void,
  done: Promise<unknown>,
): Promise<void> {
  const { stdin } = term;
  const raw = stdin.isTTY === true && typeof stdin.setRawMode === "function";
  if (raw) stdin.setRawMode!(true);
  const keys = new QuitKeys();
  let onData!: (chunk: Buffer) => void;
  const quit = new Promise<void>((resolve) => {
    onData = (chunk: Buffer) => {
      const r = keys.feed(chunk);
      if (r.forward.length) send(r.forward);
      if (r.quit) resolve();
    };
  });
  stdin.on("data", onData);
  stdin.resume();
  try {
    await Promise.race([quit, done]);
  } finally {
    stdin.off("data", onData);
    stdin.pause();
    if (raw) stdin.setRawMode!(false);
  }
}
