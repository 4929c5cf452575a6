import { describe, expect, it } from "vitest";
import { guestStartArgv, parseGuestStart, startGuest } from "../../../src/dom0/guest-start.ts";
import type { RunResult } from "../../../src/dom0/run.ts";

describe("guest-start's answer", () => {
  it("restored, or cold with the reason, from its last 'started' line", () => {
    expect(parseGuestStart("deb", "livedeck: deb: started restored\n")).toEqual({ how: "restored" });
    expect(
      parseGuestStart("deb", "livedeck: deb: started restored (xl restore 6.1 s, ready 1.9 s later)\n"),
    ).toEqual({ how: "restored" });
    const cold =
      "livedeck: deb: cold boot: no saved states for CPU vendor AuthenticAMD on the medium\n" +
      "livedeck: deb: started cold (no saved states for CPU vendor AuthenticAMD on the medium)\n";
    expect(parseGuestStart("deb", cold)).toEqual({
      how: "cold",
      reason: "no saved states for CPU vendor AuthenticAMD on the medium",
    });
  });

  it("reads only the named guest's line, and throws when there is none", () => {
    expect(() => parseGuestStart("deb", "livedeck: deb2: started restored\n")).toThrow(
      'guest-start deb: no "started" line in its output',
    );
  });

  it("runs guest-start NAME CONFIG through the runner; a failure is the runner's error", async () => {
    const seen: (readonly string[])[] = [];
    const run = async (argv: readonly string[]): Promise<RunResult> => {
      seen.push(argv);
      return argv[1] === "deb"
        ? { stdout: "livedeck: deb: started restored\n", stderr: "", code: 0 }
        : { stdout: "", stderr: "xl restore failed: boom\n", code: 1 };
    };
    expect(await startGuest(run, "deb", "/run/medium/livedeck/guests/deb.cfg")).toEqual({ how: "restored" });
    expect(seen[0]).toEqual(guestStartArgv("deb", "/run/medium/livedeck/guests/deb.cfg"));
    await expect(startGuest(run, "x", "/c")).rejects.toThrow("guest-start x /c: xl restore failed: boom");
  });
});
