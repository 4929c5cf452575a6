import type { Stage } from "../pipeline/stage.ts";
import convert from "./convert.ts";
import disk from "./disk.ts";
import dom0Initrd from "./dom0-initrd.ts";
import guestInitrd from "./guest-initrd.ts";
import guestsMedium from "./guests-medium.ts";
import installerMedium from "./installer-medium.ts";
import iso from "./iso.ts";
import layer from "./layer.ts";
import menu from "./menu.ts";
import pool from "./pool.ts";
import prime from "./prime.ts";
import prune from "./prune.ts";
import pxe from "./pxe.ts";
import rootfs from "./rootfs.ts";
import script from "./script.ts";
import squashfs from "./squashfs.ts";
import switcherMedium from "./switcher-medium.ts";

/** Every stage, by name: the plan, `doctor` and the registry test walk this table. */
export const STAGES: Record<string, Stage> = {
  rootfs,
  prune,
  "dom0-initrd": dom0Initrd,
  layer,
  script,
  squashfs,
  "guest-initrd": guestInitrd,
  pool,
  "switcher-medium": switcherMedium,
  "installer-medium": installerMedium,
  "guests-medium": guestsMedium,
  menu,
  prime,
  iso,
  pxe,
  disk,
  convert,
};
export type StageName = string;
