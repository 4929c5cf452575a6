import { describe, expect, it } from "vitest";
import { vncDesKey } from "../helpers/rfb.ts";

describe("vncDesKey", () => {
  it("reverses each byte's bits of the password, zero-padded and cut to 8 bytes", () => {
    expect(vncDesKey("p").toString("hex")).toBe("0e00000000000000"); // 0x70 → 0x0e
    expect(vncDesKey("livedk42").toString("hex")).toBe(
      Buffer.from([0x36, 0x96, 0x6e, 0xa6, 0x26, 0xd6, 0x2c, 0x4c]).toString("hex"),
    );
    expect(vncDesKey("0123456789")).toEqual(vncDesKey("01234567"));
  });
});
