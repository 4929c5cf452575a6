import { describe, expect, it } from "vitest";
import { guestList } from "../../../src/formats/guest-list.ts";

describe("guest list", () => {
  it("writes one line per guest in deck order, words the supervisor's `read` splits", () => {
    expect(
      guestList([
        {
          name: "micro",
          autostart: true,
          memoryMiB: 96,
          ip: "172.20.216.10",
          config: "livedeck/guests/1-micro.cfg",
        },
        {
          name: "jeos",
          autostart: false,
          memoryMiB: 128,
          ip: "172.20.216.11",
          config: "livedeck/guests/2-jeos.cfg",
        },
      ]),
    ).toBe(
      [
        "# name autostart memory-MiB ip config (generated from the deck, read by guests-up)",
        "micro yes 96 172.20.216.10 livedeck/guests/1-micro.cfg",
        "jeos no 128 172.20.216.11 livedeck/guests/2-jeos.cfg",
        "",
      ].join("\n"),
    );
  });

  it("refuses a field with a space (it would shift every field after it)", () => {
    expect(() =>
      guestList([{ name: "a", autostart: true, memoryMiB: 96, ip: "1.2.3.4", config: "a b.cfg" }]),
    ).toThrow(/"a b.cfg" is not one word/);
  });
});
