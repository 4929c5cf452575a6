import type { DialogLine } from "./install-dialog.ts";
import { HELP, type UiState } from "./keys.ts";
import { headerLine, tableHeader, tableLine, type Activity, type Row, type World } from "./model.ts";

/** Everything the screen shows, as text: computed here (pure), drawn by screen.ts. */
export interface Frame {
  header: string;
  columns: string;
  lines: string[];
  selected: number;
  /** Work in progress ("stopping tiny 4s, c cancels") or the selected guest's details. */
  status: string;
  help: string;
  confirm: string | null;
  /** A guest's install request being answered (install-dialog.ts), drawn over the list. */
  dialog?: DialogLine[] | null;
}

export function frame(
  world: World,
  activity: Activity,
  ui: UiState,
  rows: readonly Row[],
  o: { demo: boolean; width: number; nowMs: number },
): Frame {
  const selected = Math.min(ui.selected, Math.max(rows.length - 1, 0));
  const busy = [...activity.ops].map(
    ([name, op]) => `${op.kind} ${name} ${Math.floor((o.nowMs - op.sinceMs) / 1000)}s`,
  );
  const row = rows[selected];
  const details = row
    ? [
        row.vnc ? `VNC ${row.vnc}` : null,
        row.id === null ? null : `domain ${row.id}`,
        activity.failures.get(row.name) ? `last error: ${activity.failures.get(row.name)}` : null,
        world.bootFailures.get(row.name) && row.state === "failed"
          ? `failed at boot: ${world.bootFailures.get(row.name)}`
          : null,
      ].filter(Boolean)
    : [];
  // a save cannot be cancelled (actions.ts)
  const cancellable = [...activity.ops.values()].some((op) => op.kind !== "save");
  const status = busy.length
    ? ` ${busy.join(", ")}${cancellable ? " (c cancels)" : ""}`
    : details.length
      ? ` ${row!.name}: ${details.join("  ")}`
      : "";
  return {
    header: headerLine(world, o.demo, o.width),
    columns: tableHeader(o.width),
    // ">" marks the selection for terminals (and screen captures) that show no reverse video.
    lines: rows.length
      ? rows.map((r, i) => (i === selected ? ">" : " ") + tableLine(r, o.width).slice(1))
      : [" no guests on the medium and none running"],
    selected,
    status: status.slice(0, o.width),
    help: ` ${HELP}${o.demo ? " q:quit" : ""}`.slice(0, o.width),
    confirm: ui.confirm?.question ?? null,
  };
}
