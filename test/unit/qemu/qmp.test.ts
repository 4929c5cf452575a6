import { mkdtemp, rm } from "node:fs/promises";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { Qmp, QmpError, qmpCommand, splitLines } from "../../../src/qemu/qmp.ts";

describe("QMP framing", () => {
  it("splits complete lines and keeps the unfinished rest", () => {
    expect(splitLines("", '{"a":1}\n{"b"')).toEqual({ lines: ['{"a":1}'], rest: '{"b"' });
    expect(splitLines('{"b"', ':2}\r\n\n')).toEqual({ lines: ['{"b":2}'], rest: "" });
  });

  it("writes a command with and without arguments", () => {
    expect(qmpCommand("qmp_capabilities")).toBe('{"execute":"qmp_capabilities"}\n');
    expect(qmpCommand("eject", { device: "medium", force: true })).toBe(
      '{"execute":"eject","arguments":{"device":"medium","force":true}}\n',
    );
  });
});

/** A stand-in QEMU monitor: greeting, then one scripted answer per command (split across writes). */
async function fakeQemu(answer: (cmd: { execute: string; arguments?: unknown }) => string[]) {
  const dir = await mkdtemp(join(tmpdir(), "livedeck-qmp-"));
  const path = join(dir, "qmp.sock");
  const seen: unknown[] = [];
  const server: Server = createServer((c) => {
    c.write('{"QMP": {"version": {"qemu": {"major": 7, "minor": 2, "micro": 0}}, "capabilities": []}}\r\n');
    let buf = "";
    c.on("data", (d) => {
      buf += d.toString();
      let i: number;
      while ((i = buf.indexOf("\n")) >= 0) {
        const cmd = JSON.parse(buf.slice(0, i)) as { execute: string };
        buf = buf.slice(i + 1);
        seen.push(cmd);
        for (const part of answer(cmd)) c.write(part);
      }
    });
  });
  await new Promise<void>((r) => server.listen(path, r));
  return {
    path,
    seen,
    async close() {
      await new Promise((r) => server.close(r));
      await rm(dir, { recursive: true, force: true });
    },
  };
}

describe("Qmp client", () => {
  let fake: Awaited<ReturnType<typeof fakeQemu>> | undefined;
  afterEach(async () => {
    await fake?.close();
    fake = undefined;
  });

  it("negotiates capabilities, ejects, keeps events apart from replies", async () => {
    fake = await fakeQemu((cmd) =>
      cmd.execute === "eject"
        ? ['{"timestamp": {"seconds": 1}, "event": "DEVICE_TRAY_MOVED", "data": {"device": "medium", "tray-open": true}}\r\n{"ret', 'urn": {}}\r\n']
        : ['{"return": {}}\r\n'],
    );
    const q = await Qmp.connect(fake.path);
    expect(await q.eject("medium")).toEqual({});
    expect(q.events).toEqual([
      { timestamp: { seconds: 1 }, event: "DEVICE_TRAY_MOVED", data: { device: "medium", "tray-open": true } },
    ]);
    expect(fake.seen).toEqual([
      { execute: "qmp_capabilities" },
      { execute: "eject", arguments: { device: "medium", force: true } },
    ]);
    q.close();
  });

  it("turns a QMP error into a QmpError naming the command", async () => {
    fake = await fakeQemu((cmd) =>
      cmd.execute === "eject"
        ? ['{"error": {"class": "DeviceNotFound", "desc": "Device \'nope\' not found"}}\n']
        : ['{"return": {}}\n'],
    );
    const q = await Qmp.connect(fake.path);
    const e = await q.eject("nope").catch((x: unknown) => x);
    expect(e).toBeInstanceOf(QmpError);
    expect((e as QmpError).message).toBe("QMP eject: DeviceNotFound: Device 'nope' not found");
    q.close();
  });

  it("rejects a waiting command when the socket closes", async () => {
    fake = await fakeQemu((cmd) => (cmd.execute === "qmp_capabilities" ? ['{"return": {}}\n'] : []));
    const q = await Qmp.connect(fake.path);
    const pending = q.execute("query-status");
    q.close();
    await expect(pending).rejects.toThrow(/QMP query-status: Closed/);
  });
});
