import type { Stage } from "../pipeline/stage.ts";
import iso from "./iso.ts";
import menu from "./menu.ts";
import rootfs from "./rootfs.ts";

/** Every stage, by name: the plan, `doctor` and the registry test walk this table. */
export const STAGES: Record<string, Stage> = {
  rootfs,
  menu,
  iso,
};
export type StageName = string;
