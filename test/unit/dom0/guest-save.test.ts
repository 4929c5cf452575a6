import { describe, expect, it } from "vitest";
import {
  guestSaveArgv,
  parseGuestSave,
  parseSavedMarker,
  saveGuest,
  savedMarkerPath,
} from "../../../src/dom0/guest-save.ts";
import type { RunResult } from "../../../src/dom0/run.ts";

describe("guest-save's answer", () => {
  it("saved: where, the state's path, bytes and seconds", () => {
    const out = "livedeck: micro1: saved to ram (/run/livedeck/saved/micro1.zst, 6123456 bytes, 3.4 s)\n";
    expect(parseGuestSave("micro1", out)).toEqual({
      saved: true,
      where: "ram",
      path: "/run/livedeck/saved/micro1.zst",
      bytes: 6123456,
      seconds: 3.4,
    });
    expect(
      parseGuestSave(
        "deb",
        "livedeck: deb: saved to disk (/run/livedeck/save-disk/livedeck-saved/deb.zst, 9 bytes, 12 s)",
      ),
    ).toMatchObject({ saved: true, where: "disk", seconds: 12 });
  });

  it("not saved, with the reason (parentheses inside it kept)", () => {
    const out =
      "livedeck: micro1: not saved (no disk labelled LIVEDECK-SAVE: prepare a spare partition with mkfs.ext4 -L LIVEDECK-SAVE)\n";
    expect(parseGuestSave("micro1", out)).toEqual({
      saved: false,
      reason: "no disk labelled LIVEDECK-SAVE: prepare a spare partition with mkfs.ext4 -L LIVEDECK-SAVE",
    });
    expect(parseGuestSave("m", "livedeck: m: not saved (xl save failed (oops); m keeps running)")).toEqual({
      saved: false,
      reason: "xl save failed (oops); m keeps running",
    });
  });

  it("reads only the named guest's last line, and throws when there is none", () => {
    expect(() => parseGuestSave("deb", "livedeck: deb2: saved to ram (/x, 1 bytes, 1 s)\n")).toThrow(
      'guest-save deb: no "saved" or "not saved" line',
    );
  });

  it("the marker: ram|disk PATH, else null", () => {
    expect(parseSavedMarker("disk /run/livedeck/save-disk/livedeck-saved/m.zst\n")).toEqual({
      where: "disk",
      path: "/run/livedeck/save-disk/livedeck-saved/m.zst",
    });
    expect(parseSavedMarker(null)).toBeNull();
    expect(parseSavedMarker("tape /x")).toBeNull();
    expect(savedMarkerPath("/run/livedeck/guests", "m")).toBe("/run/livedeck/guests/m/saved");
  });

  it("runs guest-save NAME WHERE; a refusal (exit 1) is an answer, a silent failure an error", async () => {
    const seen: (readonly string[])[] = [];
    const run = async (argv: readonly string[]): Promise<RunResult> => {
      seen.push(argv);
      if (argv[1] === "a")
        return { stdout: "livedeck: a: not saved (a is not running)\n", stderr: "", code: 1 };
      return { stdout: "", stderr: "sh: guest-save: not found\n", code: 127 };
    };
    expect(await saveGuest(run, "a", "disk")).toEqual({ saved: false, reason: "a is not running" });
    expect(seen[0]).toEqual(guestSaveArgv("a", "disk"));
    await expect(saveGuest(run, "b", "ram")).rejects.toThrow("guest-save: not found (exit code 127)");
  });
});
