import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { emitMarker, eventsPath, READY_MARKER } from "../../../src/switcher/events.ts";

describe("events channel", () => {
  it("uses the explicit path, else /dev/ttyS1 when it exists, else none", () => {
    expect(eventsPath("/tmp/e", () => false)).toBe("/tmp/e");
    expect(eventsPath(undefined, (p) => p === "/dev/ttyS1")).toBe("/dev/ttyS1");
    expect(eventsPath(undefined, () => false)).toBeNull();
  });

  it("appends one line per marker", async () => {
    const dir = await mkdtemp(join(tmpdir(), "events-"));
    try {
      const f = join(dir, "events.log");
      expect(emitMarker(f, READY_MARKER)).toBeNull();
      expect(emitMarker(f, "LIVEDECK-TEST PASS x")).toBeNull();
      expect(await readFile(f, "utf8")).toBe("LIVEDECK-SWITCHER-READY\nLIVEDECK-TEST PASS x\n");
    } finally {
      await rm(dir, { recursive: true });
    }
  });

  it("reports a channel it cannot write instead of throwing", () => {
    expect(emitMarker("/nonexistent/dir/events", READY_MARKER)).toMatch(
      /^cannot write LIVEDECK-SWITCHER-READY to \/nonexistent\/dir\/events: ENOENT/,
    );
    expect(emitMarker(null, READY_MARKER)).toBeNull();
  });
});
