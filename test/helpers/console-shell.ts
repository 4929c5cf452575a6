import type { BootSession } from "../../src/qemu/session.ts";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * dom0's shell on the serial console (a boot without a test hook): waits until it answers, then
 * returns `sh(cmd)`, which types a command and resolves with the console lines up to its end mark.
 * `lines` must collect the session's console lines (startBoot's onLine).
 */
export async function consoleShell(s: BootSession, lines: string[], timeoutMs = 2 * 60_000) {
  let answered = false;
  const typing = (async () => {
    while (!answered) {
      s.send("echo SHELL-$((6*7))\r");
      await sleep(3000);
    }
  })();
  try {
    await s.expect(/^SHELL-42$/, timeoutMs);
  } finally {
    answered = true;
    await typing;
  }
  let n = 0;
  return async (cmd: string, ms = 3 * 60_000): Promise<string[]> => {
    const tag = `LDQ${++n}`;
    const from = lines.length;
    // Xen's console drops input typed too fast: a long line goes in small pieces
    const line = `${cmd}; echo ${tag}-$((6*7))\r`;
    for (let i = 0; i < line.length; i += 16) {
      s.send(line.slice(i, i + 16));
      await sleep(100);
    }
    await s.expect(new RegExp(`^${tag}-42$`), ms);
    return lines.slice(from);
  };
}
