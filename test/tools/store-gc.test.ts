import { execa } from "execa";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { Store } from "../../src/pipeline/store.ts";

describe("store gc with a real mount", () => {
  it("never removes a temp dir that holds a mount, and removes the others", async () => {
    const root = await mkdtemp(join(tmpdir(), "livedeck-gc-"));
    const store = new Store(root);
    await store.init();
    const busy = await store.begin();
    const idle = await store.begin();
    const mnt = join(busy, "out", "chroot", "proc");
    await mkdir(mnt, { recursive: true });
    await execa("mount", ["-t", "tmpfs", "none", mnt]);
    try {
      await writeFile(join(mnt, "precious"), "must survive");
      const r = await store.gc(new Set());
      expect(r.busy).toEqual([busy]);
      expect(r.tmp).toBe(1);
      expect(existsSync(join(mnt, "precious"))).toBe(true);
      expect(existsSync(idle)).toBe(false);
    } finally {
      await execa("umount", [mnt]);
      await rm(root, { recursive: true, force: true });
    }
  });
});
