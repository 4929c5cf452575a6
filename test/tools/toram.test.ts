import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { requireTools } from "../../src/tools/doctor.ts";
import { ROOT } from "../helpers/cli.ts";

/**
 * dom0's toram (livedeck.toram) refuses before it copies or mounts anything when RAM is short. The
 * copy itself is booted in test/vm/toram.test.ts.
 */
const TORAM = join(ROOT, "initrd-skel/dom0/usr/lib/livedeck/toram");

describe("toram", () => {
  let dir: string;
  beforeAll(async () => {
    await requireTools(["dash"], "the toram test");
    dir = await mkdtemp(join(tmpdir(), "livedeck-toram-"));
    await mkdir(join(dir, "medium/livedeck/layers"), { recursive: true });
    await writeFile(join(dir, "medium/.livedeck"), "livedeck medium\n");
    await writeFile(join(dir, "medium/livedeck/layers/big.squashfs"), Buffer.alloc(3 << 20, 1));
  });
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("refuses with the figures when less than 256 MiB would stay available", async () => {
    // 258 MiB available, 4 MiB to copy: 254 MiB would be left
    await writeFile(join(dir, "meminfo"), "MemTotal: 1000000 kB\nMemAvailable: 264192 kB\n");
    const r = await execa("dash", [TORAM, join(dir, "medium")], {
      env: { LIVEDECK_MEMINFO: join(dir, "meminfo") },
      reject: false,
    });
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toBe(
      "livedeck: toram: refused: the guests' files need 4 MiB, dom0 has 258 MiB available and keeps 256 MiB free; the guests run from the medium, leave it in",
    );
  });
});
