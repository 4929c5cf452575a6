import { execa, type ResultPromise } from "execa";

/** A QEMU on a serial console: what it printed so far, waiting for a pattern, typing lines. */
export class Console {
  text = "";
  readonly proc: ResultPromise;
  constructor(argv: string[]) {
    this.proc = execa(argv[0]!, argv.slice(1), { reject: false, stdin: "pipe", buffer: false });
    this.proc.stdout!.on("data", (b: Buffer) => (this.text += b.toString()));
    this.proc.stderr!.on("data", (b: Buffer) => (this.text += b.toString()));
  }
  async waitFor(re: RegExp, seconds: number, from = 0): Promise<RegExpExecArray> {
    const end = Date.now() + seconds * 1000;
    for (;;) {
      const m = re.exec(this.text.slice(from));
      if (m) return m;
      if (Date.now() > end)
        throw new Error(`no ${re} within ${seconds} s; console tail:\n${this.text.slice(-3000)}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  type(line: string): void {
    this.proc.stdin!.write(`${line}\n`);
  }
  async exited(seconds: number): Promise<number | undefined> {
    const t = setTimeout(() => this.proc.kill("SIGKILL"), seconds * 1000);
    const r = await this.proc;
    clearTimeout(t);
    return r.exitCode;
  }
}
