import { StringDecoder } from "node:string_decoder";

/** Splits a byte stream into lines; the unfinished rest waits for the next chunk or `flush`. */
export class LineSplitter {
  private pending = "";
  private readonly decoder = new StringDecoder("utf8");

  constructor(private readonly onLine: (raw: string) => void) {}

  push(chunk: Buffer | string): void {
    this.pending += typeof chunk === "string" ? chunk : this.decoder.write(chunk);
    const parts = this.pending.split("\n");
    this.pending = parts.pop() ?? "";
    for (const p of parts) this.onLine(p);
  }

  flush(): void {
    this.pending += this.decoder.end();
    if (this.pending !== "") this.onLine(this.pending);
    this.pending = "";
  }
}

// CSI (ESC [ … final), OSC (ESC ] … BEL/ST), charset selection (ESC ( B) and two-byte escapes.
const ANSI = /\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b[()*+][0-~]|\x1b[@-Z\\-_=>78]/g;
const CONTROL = /[\x00-\x08\x0b-\x1f\x7f]/g;

/**
 * What a line says, as a terminal would show it: escapes dropped, and a carriage return in the
 * middle restarts the line (GRUB writes "\rTEXT"; a trailing "\r" of "\r\n" is just dropped).
 */
export function cleanLine(raw: string): string {
  const noAnsi = raw.replace(ANSI, "").replace(/\r+$/, "");
  const cr = noAnsi.lastIndexOf("\r");
  return (cr >= 0 ? noAnsi.slice(cr + 1) : noAnsi).replace(CONTROL, "").trimEnd();
}

/** The last `size` items, oldest first. */
export class Ring<T> {
  private items: T[] = [];

  constructor(private readonly size: number) {}

  push(item: T): void {
    this.items.push(item);
    if (this.items.length > this.size) this.items.splice(0, this.items.length - this.size);
  }

  last(n: number = this.size): T[] {
    return this.items.slice(-n);
  }
}
