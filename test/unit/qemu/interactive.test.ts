import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { attachKeys, QuitKeys } from "../../../src/qemu/interactive.ts";

const b = (...bytes: (number | string)[]) =>
  Buffer.concat(bytes.map((x) => (typeof x === "number" ? Buffer.from([x]) : Buffer.from(x))));

describe("QuitKeys", () => {
  const cases: { name: string; chunks: Buffer[]; forward: string; quit: boolean }[] = [
    {
      name: "plain keys pass, Ctrl-C included",
      chunks: [b("ls", 0x03, "\r")],
      forward: "ls\x03\r",
      quit: false,
    },
    { name: "Ctrl-] Ctrl-] quits", chunks: [b("a", 0x1d, 0x1d, "b")], forward: "a", quit: true },
    { name: "Ctrl-] across chunks quits", chunks: [b("a", 0x1d), b(0x1d)], forward: "a", quit: true },
    { name: "Ctrl-a x quits", chunks: [b(0x01, "x")], forward: "", quit: true },
    { name: "Ctrl-a X quits", chunks: [b(0x01), b("X")], forward: "", quit: true },
    { name: "Ctrl-a Ctrl-a types one Ctrl-a", chunks: [b(0x01, 0x01, "x")], forward: "\x01x", quit: false },
    { name: "Ctrl-a then other key types both", chunks: [b(0x01, "c")], forward: "\x01c", quit: false },
    { name: "Ctrl-] then other key types both", chunks: [b(0x1d, "q")], forward: "\x1dq", quit: false },
    { name: "a lone escape waits", chunks: [b("z", 0x1d)], forward: "z", quit: false },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const k = new QuitKeys();
      let forward = "";
      let quit = false;
      for (const chunk of c.chunks) {
        const r = k.feed(chunk);
        forward += r.forward.toString("latin1");
        quit ||= r.quit;
      }
      expect(forward).toBe(c.forward);
      expect(quit).toBe(c.quit);
    });
  }
});

describe("attachKeys", () => {
  it("forwards keys until the quit sequence and restores the terminal", async () => {
    const stdin = Object.assign(new PassThrough(), { isTTY: true, modes: [] as boolean[] });
    const setRawMode = (raw: boolean) => stdin.modes.push(raw);
    const sent: string[] = [];
    const done = attachKeys(
      { stdin: Object.assign(stdin, { setRawMode }), output: new PassThrough() },
      (buf) => sent.push(buf.toString()),
      new Promise(() => {}),
    );
    stdin.write("root\r");
    stdin.write(b(0x1d, 0x1d));
    await done;
    expect(sent.join("")).toBe("root\r");
    expect(stdin.modes).toEqual([true, false]);
  });

  it("returns when the VM ends", async () => {
    const stdin = new PassThrough();
    await attachKeys({ stdin, output: new PassThrough() }, () => {}, Promise.resolve("exit code 0"));
    expect(stdin.listenerCount("data")).toBe(0);
  });
});
