import { describe, expect, it } from "vitest";
import { acceptFor, decodeFrames, encodeFrame } from "../helpers/ws-bridge.ts";

describe("WebSocket frames (the noVNC path of the graphical vm test)", () => {
  const mask = Buffer.from([1, 2, 3, 4]);
  it("masks a client frame and reads it back, for each length form", () => {
    for (const n of [0, 5, 125, 126, 65535, 65536]) {
      const payload = Buffer.alloc(n, 0x5a);
      const frame = encodeFrame(payload, mask);
      expect(frame[0]).toBe(0x82);
      expect(frame[1]! & 0x80).toBe(0x80);
      const { frames, rest } = decodeFrames(frame);
      expect(frames).toEqual([{ opcode: 2, payload }]);
      expect(rest.length).toBe(0);
    }
  });
  it("keeps a cut frame for the next read and splits joined ones", () => {
    const server = Buffer.from([0x82, 3, 7, 8, 9, 0x88, 0]); // unmasked binary frame, then close
    expect(decodeFrames(server.subarray(0, 4))).toEqual({ frames: [], rest: server.subarray(0, 4) });
    expect(decodeFrames(server).frames).toEqual([
      { opcode: 2, payload: Buffer.from([7, 8, 9]) },
      { opcode: 8, payload: Buffer.alloc(0) },
    ]);
  });
  it("answers RFC 6455's sample key", () => {
    expect(acceptFor("dGhlIHNhbXBsZSBub25jZQ==")).toBe("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
  });
});
