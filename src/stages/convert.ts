import { join } from "node:path";
import { stat } from "node:fs/promises";
import { z } from "zod";
import { DISK_FORMATS, qemuImgCheckArgv, qemuImgConvertArgv, type DiskFormat } from "../install/qemu-img.ts";
import { defineStage } from "../pipeline/stage.ts";
import { DISK_RAW } from "./disk.ts";

export const ConvertOptions = z
  .object({ format: z.enum(Object.keys(DISK_FORMATS) as [DiskFormat, ...DiskFormat[]]) })
  .strict();

/** The file a convert step writes: disk.qcow2, disk.vmdk, disk.vdi. */
export const convertedName = (format: DiskFormat) => `disk.${format}`;

/** A `disk` step's raw image in another VM format (qemu-img), checked after writing. */
export default defineStage({
  name: "convert",
  version: 1,
  summary: "a disk image converted to qcow2, vmdk or vdi with qemu-img (and checked)",
  options: ConvertOptions,
  consumes: ["disk"],
  inputs: () => [],
  tools: ["qemu-img"],
  async run(ctx) {
    const { format } = ctx.options;
    const out = join(ctx.out, convertedName(format));
    await ctx.exec(qemuImgConvertArgv(join(ctx.input("disk"), DISK_RAW), format, out));
    await ctx.exec(qemuImgCheckArgv(out, format));
    return { bytes: (await stat(out)).size };
  },
});
