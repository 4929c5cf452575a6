import { EventEmitter } from "node:events";
import { describe, expect, it } from "vitest";
import { coalesceEscapes, splitIncompleteEscape } from "../../../src/switcher/escapes.ts";

describe("escape sequences split across reads", () => {
  it.each([
    ["\x1b[B\x1b[B", "\x1b[B\x1b[B", ""],
    ["\x1b[B\x1b", "\x1b[B", "\x1b"],
    ["\x1b[B\x1b[", "\x1b[B", "\x1b["],
    ["x\x1b[1;5", "x", "\x1b[1;5"],
    ["\x1bO", "", "\x1bO"],
    ["abc", "abc", ""],
    ["\x1b[A", "\x1b[A", ""],
  ])("%j → now %j, held %j", (s, now, rest) => {
    expect(splitIncompleteEscape(s)).toEqual([now, rest]);
  });

  it("a reader sees whole sequences; a lone Escape comes through after the wait", async () => {
    const stream = new EventEmitter() as unknown as NodeJS.ReadStream;
    const seen: string[] = [];
    stream.on("data", (b: Buffer) => seen.push(b.toString("latin1")));
    coalesceEscapes(stream, 10);
    stream.emit("data", Buffer.from("\x1b[B\x1b"));
    stream.emit("data", Buffer.from("[B"));
    stream.emit("data", Buffer.from("q\x1b"));
    expect(seen).toEqual(["\x1b[B", "\x1b[B", "q"]);
    await new Promise((r) => setTimeout(r, 30));
    expect(seen).toEqual(["\x1b[B", "\x1b[B", "q", "\x1b"]);
  });

  it("leaves other events alone", () => {
    const stream = new EventEmitter() as unknown as NodeJS.ReadStream;
    coalesceEscapes(stream);
    let ended = false;
    stream.on("end", () => (ended = true));
    stream.emit("end");
    expect(ended).toBe(true);
  });
});
