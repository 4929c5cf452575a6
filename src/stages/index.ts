import type { Stage } from "../pipeline/stage.ts";
import rootfs from "./rootfs.ts";

/** Every stage, by name: the plan, `doctor` and the registry test walk this table. */
export const STAGES: Record<string, Stage> = {
  rootfs,
};
export type StageName = string;
