import { createHash, randomBytes } from "node:crypto";
import { connect, createServer, type Server, type Socket } from "node:net";

/**
 * A loopback TCP port that carries each connection to a WebSocket server (websockify, noVNC's
 * transport) as binary frames: a plain VNC client (vncsnapshot) then speaks RFB over the same path
 * a browser's noVNC takes. Node 20 has no WebSocket client; RFC 6455's client side is this small.
 */

/** One client frame (FIN, `opcode`, masked with `mask` as clients must). Pure. */
export function encodeFrame(payload: Buffer, mask: Buffer, opcode = 2): Buffer {
  const n = payload.length;
  const head =
    n < 126 ? Buffer.from([0x80 | opcode, 0x80 | n]) : n < 65536 ? Buffer.alloc(4) : Buffer.alloc(10);
  if (n >= 126 && n < 65536) {
    head[0] = 0x80 | opcode;
    head[1] = 0x80 | 126;
    head.writeUInt16BE(n, 2);
  } else if (n >= 65536) {
    head[0] = 0x80 | opcode;
    head[1] = 0x80 | 127;
    head.writeBigUInt64BE(BigInt(n), 2);
  }
  const body = Buffer.from(payload);
  for (let i = 0; i < n; i++) body[i]! ^= mask[i % 4]!;
  return Buffer.concat([head, mask.subarray(0, 4), body]);
}

export interface Frame {
  opcode: number;
  payload: Buffer;
}

/** Splits a byte stream into frames (masked or not); keeps an incomplete tail for the next call. Pure. */
export function decodeFrames(buf: Buffer): { frames: Frame[]; rest: Buffer } {
  const frames: Frame[] = [];
  let at = 0;
  for (;;) {
    if (buf.length - at < 2) break;
    const opcode = buf[at]! & 0x0f;
    const masked = (buf[at + 1]! & 0x80) !== 0;
    let n = buf[at + 1]! & 0x7f;
    let off = at + 2;
    if (n === 126) {
      if (buf.length < off + 2) break;
      n = buf.readUInt16BE(off);
      off += 2;
    } else if (n === 127) {
      if (buf.length < off + 8) break;
      n = Number(buf.readBigUInt64BE(off));
      off += 8;
    }
    const mask = masked ? buf.subarray(off, off + 4) : null;
    if (masked) off += 4;
    if (buf.length < off + n) break;
    const payload = Buffer.from(buf.subarray(off, off + n));
    if (mask) for (let i = 0; i < n; i++) payload[i]! ^= mask[i % 4]!;
    frames.push({ opcode, payload });
    at = off + n;
  }
  return { frames, rest: buf.subarray(at) };
}

/** The Sec-WebSocket-Accept a server must answer `key` with (RFC 6455 4.2.2). Pure. */
export const acceptFor = (key: string) =>
  createHash("sha1").update(`${key}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest("base64");

function carry(client: Socket, host: string, port: number): void {
  const ws = connect(port, host);
  const key = randomBytes(16).toString("base64");
  let head: Buffer | null = Buffer.alloc(0) as Buffer;
  let rest: Buffer = Buffer.alloc(0);
  const early: Buffer[] = [];
  const fail = () => {
    client.destroy();
    ws.destroy();
  };
  ws.on("connect", () =>
    ws.write(
      `GET / HTTP/1.1\r\nHost: ${host}:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
        `Sec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: binary\r\n\r\n`,
    ),
  );
  const toClient = (data: Buffer) => {
    const d = decodeFrames(Buffer.concat([rest, data]));
    rest = d.rest;
    for (const f of d.frames) {
      if (f.opcode === 8) return fail();
      if (f.opcode === 9) ws.write(encodeFrame(f.payload, randomBytes(4), 10));
      else if (f.opcode <= 2) client.write(f.payload);
    }
  };
  ws.on("data", (data: Buffer) => {
    if (head === null) return toClient(data);
    head = Buffer.concat([head, data]);
    const end = head.indexOf("\r\n\r\n");
    if (end < 0) return;
    const response = head.subarray(0, end).toString("latin1");
    const after = head.subarray(end + 4);
    head = null;
    if (!/^HTTP\/1\.1 101 /.test(response) || !response.includes(acceptFor(key))) return fail();
    for (const b of early) ws.write(encodeFrame(b, randomBytes(4)));
    if (after.length) toClient(after);
  });
  client.on("data", (b: Buffer) =>
    head === null ? ws.write(encodeFrame(b, randomBytes(4))) : early.push(b),
  );
  client.on("close", () => ws.destroy());
  ws.on("close", () => client.destroy());
  client.on("error", fail);
  ws.on("error", fail);
}

/** Listens on a free loopback port; each connection goes to ws://host:port/. */
export async function wsBridge(
  host: string,
  port: number,
): Promise<{ port: number; close: () => Promise<void> }> {
  const server: Server = createServer((c) => carry(c, host, port));
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return {
    port: (server.address() as { port: number }).port,
    close: () => new Promise((r) => server.close(() => r())),
  };
}
