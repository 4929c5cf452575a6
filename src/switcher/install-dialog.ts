import type { Job } from "../dom0/broker/broker.ts";
import { formatSize, type DiskChoice } from "../dom0/broker/disks.ts";

/**
 * The dialog in which the person at the PC answers a guest's install request: pick the disk
 * (refused ones shown dimmed with the reason), install, decline or put it off. Pure: keys → state
 * and effect; job and disks → lines. The controller runs the effects through the broker.
 */
export interface InstallDialog {
  jobId: number;
  /** Index into the disk list. */
  selected: number;
  disks: readonly DiskChoice[];
}

export type InstallEffect =
  | { kind: "install"; jobId: number; disk: string }
  | { kind: "decline"; jobId: number }
  /** Put off: the request keeps waiting, `i` shows it again. */
  | { kind: "later"; jobId: number }
  | { kind: "say"; text: string };

export interface DialogLine {
  text: string;
  /** Shown dimmed: a disk that cannot be chosen. */
  dim?: boolean;
  /** The selected disk. */
  selected?: boolean;
}

export function openDialog(job: Job, disks: readonly DiskChoice[]): InstallDialog {
  const free = disks.findIndex((d) => d.refusals.length === 0);
  return { jobId: job.id, selected: Math.max(free, 0), disks };
}

/** A key while the dialog is open: the dialog after it (null: closed) and what to do. */
export function installKey(d: InstallDialog, key: string): { dialog: InstallDialog | null; effect?: InstallEffect } {
  const last = Math.max(d.disks.length - 1, 0);
  switch (key) {
    case "up":
    case "k":
      return { dialog: { ...d, selected: Math.max(0, d.selected - 1) } };
    case "down":
    case "j":
      return { dialog: { ...d, selected: Math.min(last, d.selected + 1) } };
    case "enter":
    case "linefeed":
    case "y": {
      const disk = d.disks[d.selected];
      if (!disk) return { dialog: d, effect: { kind: "say", text: "no disk to install to" } };
      if (disk.refusals.length)
        return { dialog: d, effect: { kind: "say", text: `${disk.path} ${disk.refusals.join(", ")}` } };
      return { dialog: null, effect: { kind: "install", jobId: d.jobId, disk: disk.name } };
    }
    case "n":
      return { dialog: null, effect: { kind: "decline", jobId: d.jobId } };
    case "escape":
    case "q":
      return { dialog: null, effect: { kind: "later", jobId: d.jobId } };
    default:
      return { dialog: d };
  }
}

/** What the dialog shows, each line at most `width` columns. */
export function dialogLines(job: Job, d: InstallDialog, width: number): DialogLine[] {
  const r = job.request;
  const fit = (s: string) => (s.length > width ? `${s.slice(0, width - 1)}~` : s);
  const disks: DialogLine[] = d.disks.map((disk, i) => {
    const about = `${disk.path.padEnd(12)} ${disk.model.slice(0, 18).padEnd(18)} ${formatSize(disk.sizeBytes).padStart(8)}`;
    // dimmed on screen; the reason says it in words too (a serial capture shows no colours)
    const why = disk.refusals.length ? `  ${disk.refusals.join(", ")}` : "";
    return { text: fit(`${i === d.selected ? ">" : " "} ${about}${why}`), dim: disk.refusals.length > 0, selected: i === d.selected };
  });
  return [
    { text: fit(` Guest ${job.guest} asks to install flavour ${job.flavour} to a disk of this PC:`) },
    { text: fit(`   host name ${r.hostname}, user ${r.user}${r.withXen ? ", with Xen (as dom0)" : ""}`) },
    { text: fit(" Choose the disk. EVERYTHING ON IT WILL BE ERASED.") },
    ...(disks.length ? disks : [{ text: "   no disks found", dim: true }]),
    { text: fit(" Enter: install to the selected disk   n: decline   Esc: decide later") },
  ];
}

/** The status line while installs wait or run ("" when none). */
export function installStatus(jobs: readonly Job[]): string {
  const running = jobs.find((j) => j.state === "installing");
  if (running) {
    const p = running.progress;
    const pct = p ? `${Math.round(p.fraction * 100)}% ${p.step}: ${p.message}` : "starting";
    return ` installing ${running.flavour} for ${running.guest} to ${running.disk?.path ?? "?"}: ${pct}`;
  }
  const waiting = jobs.filter((j) => j.state === "waiting");
  if (waiting.length) return ` install request from ${waiting.map((j) => j.guest).join(", ")} waiting: i shows it`;
  return "";
}
