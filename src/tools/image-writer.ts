import { createHash } from "node:crypto";
import { constants } from "node:fs";
import { open } from "node:fs/promises";
import { ToolError } from "../errors.ts";
import { exec } from "./exec.ts";

/** Chunk size: large enough for a USB stick's write speed, small enough for steady progress. */
const CHUNK = 4 * 2 ** 20;

export interface WriteProgress {
  phase: "write" | "verify";
  bytes: number;
  total: number;
  /** Bytes per second since the phase began. */
  rate: number;
}

export interface WriteResult {
  bytes: number;
  sha256: string;
  writeSeconds: number;
  verifySeconds: number;
}

export interface WriteOptions {
  /** The target is a block device: opened O_EXCL (the kernel refuses if anything has it mounted) and its cache dropped before the read-back. */
  blockDevice: boolean;
  onProgress?(p: WriteProgress): void;
  signal?: AbortSignal;
}

function ticker(phase: WriteProgress["phase"], total: number, on?: (p: WriteProgress) => void) {
  const started = Date.now();
  let last = 0;
  return (bytes: number, force = false) => {
    const now = Date.now();
    if (!on || (!force && now - last < 500)) return;
    last = now;
    on({ phase, bytes, total, rate: bytes / Math.max((now - started) / 1000, 0.001) });
  };
}

/**
 * Writes the image to the target from offset 0, fsyncs, then reads the written range back and
 * compares its sha256 with the image's. The caller has decided the target may be written
 * (src/tools/blockdev.ts); this part only writes and proves what it wrote.
 */
export async function writeImage(image: string, target: string, o: WriteOptions): Promise<WriteResult> {
  const src = await open(image, "r");
  const flags = constants.O_WRONLY | (o.blockDevice ? constants.O_EXCL : constants.O_CREAT);
  const dst = await open(target, flags, 0o644);
  const hash = createHash("sha256");
  const total = (await src.stat()).size;
  const buf = Buffer.allocUnsafe(CHUNK);
  const tick = ticker("write", total, o.onProgress);
  const started = Date.now();
  let done = 0;
  try {
    while (done < total) {
      o.signal?.throwIfAborted();
      const { bytesRead } = await src.read(buf, 0, Math.min(CHUNK, total - done), done);
      if (bytesRead === 0) throw new Error(`${image} shrank while it was written`);
      const chunk = buf.subarray(0, bytesRead);
      hash.update(chunk);
      let off = 0;
      while (off < bytesRead) off += (await dst.write(chunk, off, bytesRead - off, done + off)).bytesWritten;
      done += bytesRead;
      tick(done);
    }
    tick(done, true);
    await dst.sync();
  } finally {
    await Promise.all([src.close(), dst.close()]);
  }
  const writeSeconds = (Date.now() - started) / 1000;
  const sha256 = hash.digest("hex");

  const verifyStarted = Date.now();
  // Read the device, not the page cache this process just filled.
  if (o.blockDevice) await exec(["blockdev", "--flushbufs", target], { stage: "usb write" });
  const back = await readBackSha256(target, total, o);
  if (back !== sha256) {
    throw new ToolError(
      "usb write",
      ["read-back", target],
      undefined,
      `image sha256 ${sha256}\ntarget sha256 ${back} (first ${total} bytes)`,
      `what was read back from ${target} differs from ${image}: the device is faulty or was changed while writing`,
    );
  }
  return { bytes: total, sha256, writeSeconds, verifySeconds: (Date.now() - verifyStarted) / 1000 };
}

/** sha256 of the first `bytes` bytes of `target` (the range an image was written to). */
export async function readBackSha256(
  target: string,
  bytes: number,
  o: Pick<WriteOptions, "onProgress" | "signal"> = {},
): Promise<string> {
  const fh = await open(target, "r");
  const hash = createHash("sha256");
  const buf = Buffer.allocUnsafe(CHUNK);
  const tick = ticker("verify", bytes, o.onProgress);
  let done = 0;
  try {
    while (done < bytes) {
      o.signal?.throwIfAborted();
      const { bytesRead } = await fh.read(buf, 0, Math.min(CHUNK, bytes - done), done);
      if (bytesRead === 0) break; // shorter than the image: the hash will differ
      hash.update(buf.subarray(0, bytesRead));
      done += bytesRead;
      tick(done);
    }
    tick(done, true);
  } finally {
    await fh.close();
  }
  return hash.digest("hex");
}
