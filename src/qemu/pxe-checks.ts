import { readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { UserError } from "../errors.ts";
import { NET_PLATFORMS, NET_SUBDIR, type NetFirmware } from "../formats/pxe-tree.ts";

/**
 * A PXE tree to boot is a directory with the firmware's GRUB image, the menu and the /.livedeck
 * marker (written by the pxe stage): a wrong path fails now, not after a boot timeout. Returns the
 * marker's text.
 */
export async function checkPxeTree(dir: string, firmware: NetFirmware): Promise<string> {
  const hint =
    "build it with `livedeck build <deck> --format pxe` (it writes out/<deck>-pxe/) or check the path";
  const st = await stat(dir).catch(() => null);
  if (!st?.isDirectory()) throw new UserError(`${dir}: not a directory (a PXE tree is one)`, hint);
  for (const f of [NET_PLATFORMS[firmware].bootfile, `${NET_SUBDIR}/grub.cfg`]) {
    if (!(await stat(join(dir, f)).catch(() => null))?.isFile())
      throw new UserError(`${dir} is not a livedeck PXE tree: ${f} is missing`, hint);
  }
  return readFile(join(dir, ".livedeck"), "utf8").catch(() => {
    throw new UserError(`${dir} is not a livedeck PXE tree: .livedeck is missing`, hint);
  });
}
