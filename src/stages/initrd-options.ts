import { isAbsolute } from "node:path";
import { z } from "zod";

/** Options every initrd stage (dom0, guest) shares: one declaration, so they cannot drift apart. */
export function initrdOptionFields(skelDescription: string) {
  return {
    level: z.number().int().min(1).max(19).default(9).describe("zstd level of the initrd (9: see the deck's dom0.compression)"),
    epoch: z.number().int().min(0).max(0xffffffff).describe("mtime of every archive entry (SOURCE_DATE_EPOCH)"),
    skel: z.string().refine(isAbsolute, "must be an absolute path").describe(skelDescription),
  };
}
