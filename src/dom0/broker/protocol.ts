/**
 * The xenstore side of an install request: where a guest writes it and where dom0 answers. Both
 * nodes are under the guest's own `data/` (the one subtree libxl lets a guest write), so the guest
 * needs no rights elsewhere; dom0 removes each request once read.
 */

export const REQUEST_NODE = "data/livedeck/install/request";
export const STATUS_NODE = "data/livedeck/install/status";

export const requestPath = (domid: number) => `/local/domain/${domid}/${REQUEST_NODE}`;
export const statusPath = (domid: number) => `/local/domain/${domid}/${STATUS_NODE}`;

/** The domain whose request node a watch line (`xenstore-watch /local/domain` output) names, or null. */
export function requestDomid(watchLine: string): number | null {
  const m = /^\/local\/domain\/([1-9]\d{0,4})\/data\/livedeck\/install\/request$/.exec(watchLine.trim());
  return m ? Number(m[1]) : null;
}

/**
 * What dom0 tells the guest: `waiting` (for the person at the PC), `refused` (with the reason),
 * `installing` (step and percent), `done`, `failed` (the step that failed). `id` is the request's;
 * null when the request was too broken to carry one.
 */
export type InstallState = "waiting" | "refused" | "installing" | "done" | "failed";

export interface InstallStatus {
  id: string | null;
  state: InstallState;
  message: string;
  step?: string;
  percent?: number;
}

/** The value dom0 writes: one JSON line, ASCII only (xenstore-write passes it as an argument). */
export function encodeStatus(s: InstallStatus): string {
  return JSON.stringify(s).replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}
