import { basename } from "node:path";
import { BUILTIN_TERMINFO } from "./terminfo-data.ts";

/**
 * blessed's Screen always sets up terminfo (screen.js passes `tput: true`, so `tput: false` is not
 * an option). Its lookup: $TERMINFO, ~/.terminfo, the system dirs, then on failure its own
 * `usr/<term>` and finally `usr/xterm` beside lib/ (the bundle ships usr/ beside itself and
 * bundle.ts points those paths there). If all of that is unreadable (a pruned dom0 without
 * /usr/share/terminfo, the bundle copied without usr/), reading throws and the Screen cannot
 * start. This wraps Tput.readTerminfo so a failed read of `linux` or `xterm` (by name or path)
 * parses the copy built into the bundle instead.
 */

interface TputLike {
  prototype: {
    readTerminfo(this: TputInstance, term?: string): unknown;
    parseTerminfo(this: TputInstance, data: Buffer, file: string): unknown;
  };
}
interface TputInstance {
  terminal: string;
  parseTerminfo(data: Buffer, file: string): unknown;
  /** Set when the built-in entry was used: main.ts logs it. */
  livedeckBuiltin?: string;
}

const INSTALLED = Symbol.for("livedeck.terminfo-fallback");

export function builtinTerminfo(term: string): Buffer | null {
  const b64 = BUILTIN_TERMINFO[basename(term)];
  return b64 ? Buffer.from(b64, "base64") : null;
}

export function installTerminfoFallback(Tput: TputLike): void {
  const proto = Tput.prototype as TputLike["prototype"] & { [INSTALLED]?: true };
  if (proto[INSTALLED]) return;
  proto[INSTALLED] = true;
  const read = proto.readTerminfo;
  proto.readTerminfo = function (this: TputInstance, term?: string) {
    try {
      return read.call(this, term);
    } catch (e) {
      const name = term || this.terminal;
      const data = builtinTerminfo(name);
      if (!data) throw e;
      this.livedeckBuiltin = basename(name);
      return this.parseTerminfo(data, `builtin:${basename(name)}`);
    }
  };
}
