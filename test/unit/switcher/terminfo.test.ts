import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { blessedDir } from "../../../src/switcher/bundle.ts";
import { builtinTerminfo, installTerminfoFallback } from "../../../src/switcher/terminfo.ts";

describe("built-in terminfo", () => {
  it.each(["linux", "xterm"])("%s is byte for byte blessed's usr/ entry", (name) => {
    expect(builtinTerminfo(name)!.equals(readFileSync(join(blessedDir(), "usr", name)))).toBe(true);
    expect(builtinTerminfo(`/some/dir/usr/${name}`)!.equals(builtinTerminfo(name)!)).toBe(true);
  });

  it("has nothing for other terminals", () => {
    expect(builtinTerminfo("vt220")).toBeNull();
  });
});

describe("fallback", () => {
  /** A Tput whose every file read fails, as on a dom0 without terminfo and without usr/. */
  function brokenTput() {
    class Tput {
      terminal = "linux";
      livedeckBuiltin?: string;
      readTerminfo(term?: string): unknown {
        throw new Error(`Terminfo directory not found: ${term ?? this.terminal}`);
      }
      parseTerminfo(data: Buffer, file: string) {
        return { bytes: data.length, file };
      }
    }
    return Tput;
  }

  it("parses the built-in entry when reading fails, by name or by blessed's usr/ path", () => {
    const Tput = brokenTput();
    installTerminfoFallback(Tput as never);
    const t = new Tput();
    expect(t.readTerminfo()).toEqual({ bytes: builtinTerminfo("linux")!.length, file: "builtin:linux" });
    expect(t.livedeckBuiltin).toBe("linux");
    expect(t.readTerminfo("/bundle/usr/xterm")).toEqual({
      bytes: builtinTerminfo("xterm")!.length,
      file: "builtin:xterm",
    });
  });

  it("passes the error on for a terminal it has no copy of", () => {
    const Tput = brokenTput();
    installTerminfoFallback(Tput as never);
    expect(() => new Tput().readTerminfo("vt220")).toThrow("Terminfo directory not found: vt220");
  });

  it("installs once", () => {
    const Tput = brokenTput();
    installTerminfoFallback(Tput as never);
    const wrapped = Tput.prototype.readTerminfo;
    installTerminfoFallback(Tput as never);
    expect(Tput.prototype.readTerminfo).toBe(wrapped);
  });

  it("leaves blessed's real Tput working (its own usr/ still found in development)", async () => {
    const blessed = (await import("blessed")).default as unknown as {
      Tput: new (o: object) => {
        error: Error | null;
        terminal: string;
        livedeckBuiltin?: string;
        strings: Record<string, string>;
      };
    };
    installTerminfoFallback(blessed.Tput as never);
    // A terminal name no system has; terminfoPrefix/HOME lookups fail, then blessed's usr/ is tried.
    const t = new blessed.Tput({ terminal: "livedeck-none", terminfoPrefix: "/nonexistent" });
    expect(t.strings.cursor_address).toBeTruthy();
  });
});
