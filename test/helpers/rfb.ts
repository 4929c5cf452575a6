import { execFile } from "node:child_process";
import { connect, type Socket } from "node:net";

/**
 * The RFB (VNC) side of the graphical guests' vm test and `bench desktop`: the server's hello, and
 * a small client (RFC 6143: VNC authentication, Raw encoding, 32-bit true colour) that sends keys
 * and pointer events and timestamps each FramebufferUpdate with the rectangles it covers.
 */

/** The server's RFB version line and the security types it offers a 3.8 client (2: VNC authentication). */
export async function rfbHello(port: number): Promise<{ version: string; types: number[] }> {
  const sock = connect(port, "127.0.0.1");
  let got = Buffer.alloc(0);
  let timer: NodeJS.Timeout | undefined;
  try {
    return await new Promise((resolve, reject) => {
      timer = setTimeout(() => reject(new Error("RFB: no answer in 60 s")), 60_000);
      sock.on("error", reject);
      sock.on("close", () =>
        reject(new Error(`RFB: closed after ${JSON.stringify(got.toString("latin1"))}`)),
      );
      sock.on("data", (d: Buffer) => {
        const had = got.length;
        got = Buffer.concat([got, d]);
        if (had < 12 && got.length >= 12) sock.write("RFB 003.008\n");
        const n = got[12];
        if (n !== undefined && got.length >= 13 + n)
          resolve({ version: got.subarray(0, 12).toString("latin1"), types: [...got.subarray(13, 13 + n)] });
      });
    });
  } finally {
    clearTimeout(timer);
    sock.destroy();
  }
}

/** VNC authentication's DES key: the password's first 8 bytes, zero-padded, each byte's bits reversed. Pure. */
export function vncDesKey(password: string): Buffer {
  const key = Buffer.alloc(8);
  Buffer.from(password, "latin1").copy(key, 0, 0, 8);
  for (let i = 0; i < 8; i++) {
    let b = key[i]!;
    let r = 0;
    for (let j = 0; j < 8; j++) {
      r = (r << 1) | (b & 1);
      b >>= 1;
    }
    key[i] = r;
  }
  return key;
}

/** The 16-byte answer to the server's challenge: DES-ECB, which Node's OpenSSL 3 leaves to the legacy provider (openssl's CLI has it). */
async function vncAuthResponse(challenge: Buffer, password: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const argv = [
      "enc",
      "-des-ecb",
      "-nopad",
      "-K",
      vncDesKey(password).toString("hex"),
      "-provider",
      "legacy",
      "-provider",
      "default",
    ];
    const p = execFile("openssl", argv, { encoding: "buffer" }, (e, out, err) =>
      e ? reject(new Error(`openssl (DES for VNC authentication): ${String(err)}`)) : resolve(out),
    );
    p.stdin!.end(challenge);
  });
}

export interface Rect {
  x: number;
  y: number;
  w: number;
  h: number;
}
export interface Update {
  /** performance.now() when the whole update had arrived */
  at: number;
  rects: Rect[];
}

/** A byte queue over a socket: `read(n)` resolves with the next n bytes. */
class Reader {
  private buf: Buffer = Buffer.alloc(0);
  private want: { n: number; resolve: (b: Buffer) => void; reject: (e: Error) => void } | null = null;
  private failed: Error | null = null;
  constructor(sock: Socket) {
    sock.on("data", (d: Buffer) => {
      this.buf = this.buf.length ? Buffer.concat([this.buf, d]) : d;
      this.pump();
    });
    const fail = (e: Error) => {
      this.failed = e;
      this.want?.reject(e);
      this.want = null;
    };
    sock.on("error", fail);
    sock.on("close", () => fail(new Error("RFB: the server closed the connection")));
  }
  private pump() {
    if (this.want && this.buf.length >= this.want.n) {
      const { n, resolve } = this.want;
      this.want = null;
      const out = this.buf.subarray(0, n);
      this.buf = this.buf.subarray(n);
      resolve(out);
    }
  }
  read(n: number): Promise<Buffer> {
    if (this.failed) return Promise.reject(this.failed);
    return new Promise((resolve, reject) => {
      this.want = { n, resolve, reject };
      this.pump();
    });
  }
}

export interface RfbClient {
  width: number;
  height: number;
  name: string;
  updates: Update[];
  key(keysym: number): void;
  click(x: number, y: number): void;
  /** The first update after `since` (performance.now()) that `pred` accepts. */
  nextUpdate(since: number, pred: (u: Update) => boolean, ms: number): Promise<Update>;
  close(): void;
}

/** Connects to 127.0.0.1:port, authenticates with `password`, and keeps asking for incremental updates. */
export async function rfbConnect(port: number, password: string): Promise<RfbClient> {
  const sock = connect(port, "127.0.0.1");
  sock.setNoDelay(true);
  const r = new Reader(sock);
  const version = (await r.read(12)).toString("latin1");
  if (!version.startsWith("RFB 003.")) throw new Error(`RFB: not a VNC server: ${JSON.stringify(version)}`);
  sock.write("RFB 003.008\n");
  const types = [...(await r.read((await r.read(1))[0]!))];
  if (!types.includes(2)) throw new Error(`RFB: no VNC authentication offered (types ${types.join(",")})`);
  sock.write(Buffer.from([2]));
  sock.write(await vncAuthResponse(await r.read(16), password));
  if ((await r.read(4)).readUInt32BE(0) !== 0) {
    const reason = (await r.read((await r.read(4)).readUInt32BE(0))).toString();
    sock.destroy();
    throw new Error(`RFB: authentication failed: ${reason}`);
  }
  sock.write(Buffer.from([1])); // ClientInit: shared, as other viewers may be connected
  const init = await r.read(24);
  const name = (await r.read(init.readUInt32BE(20))).toString();
  const [width, height] = [init.readUInt16BE(0), init.readUInt16BE(2)];
  // SetPixelFormat: 32 bpp, depth 24, little-endian true colour; SetEncodings: Raw only
  const pf = Buffer.from([0, 0, 0, 0, 32, 24, 0, 1, 0, 255, 0, 255, 0, 255, 16, 8, 0, 0, 0, 0]);
  sock.write(pf);
  sock.write(Buffer.from([2, 0, 0, 1, 0, 0, 0, 0]));
  const request = (incremental: number) => {
    const m = Buffer.from([3, incremental, 0, 0, 0, 0, 0, 0, 0, 0]);
    m.writeUInt16BE(width, 6);
    m.writeUInt16BE(height, 8);
    sock.write(m);
  };
  request(0);
  const updates: Update[] = [];
  const waiters = new Set<() => void>();
  let closed = false;
  const loop = (async () => {
    for (;;) {
      const type = (await r.read(1))[0];
      if (type === 0) {
        const n = (await r.read(3)).readUInt16BE(1);
        const rects: Rect[] = [];
        for (let i = 0; i < n; i++) {
          const h = await r.read(12);
          const rect = {
            x: h.readUInt16BE(0),
            y: h.readUInt16BE(2),
            w: h.readUInt16BE(4),
            h: h.readUInt16BE(6),
          };
          const enc = h.readInt32BE(8);
          if (enc !== 0) throw new Error(`RFB: encoding ${enc}, asked for Raw only`);
          await r.read(rect.w * rect.h * 4);
          rects.push(rect);
        }
        updates.push({ at: performance.now(), rects });
        for (const w of waiters) w();
        request(1);
      } else if (type === 1) {
        const h = await r.read(5);
        await r.read(h.readUInt16BE(3) * 6);
      } else if (type === 2) {
        // Bell
      } else if (type === 3) {
        await r.read((await r.read(7)).readUInt32BE(3));
      } else throw new Error(`RFB: unknown server message ${type}`);
    }
  })();
  loop.catch(() => {}); // ends with the connection; nextUpdate reports a closed one
  return {
    width,
    height,
    name,
    updates,
    key(keysym) {
      for (const down of [1, 0]) {
        const m = Buffer.from([4, down, 0, 0, 0, 0, 0, 0]);
        m.writeUInt32BE(keysym, 4);
        sock.write(m);
      }
    },
    click(x, y) {
      for (const mask of [1, 0]) {
        const m = Buffer.from([5, mask, 0, 0, 0, 0]);
        m.writeUInt16BE(x, 2);
        m.writeUInt16BE(y, 4);
        sock.write(m);
      }
    },
    nextUpdate(since, pred, ms) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const u = updates.find((x) => x.at > since && pred(x));
          if (u) done(() => resolve(u));
          else if (closed || sock.destroyed) done(() => reject(new Error("RFB: connection closed")));
        };
        const timer = setTimeout(
          () => done(() => reject(new Error(`RFB: no such update in ${ms / 1000} s`))),
          ms,
        );
        const done = (f: () => void) => {
          clearTimeout(timer);
          waiters.delete(check);
          f();
        };
        waiters.add(check);
        check();
      });
    },
    close() {
      closed = true;
      sock.destroy();
    },
  };
}
