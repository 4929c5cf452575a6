import type { SaveWhere } from "../dom0/guest-save.ts";
import type { MediumGuest } from "../dom0/medium.ts";
import type { XlDomain } from "../dom0/xl-parse.ts";

/** What the switcher knows of the machine: collected by poll.ts, turned into rows here (pure). */
export interface World {
  medium: readonly MediumGuest[];
  domains: readonly XlDomain[];
  /** Per domain name: what `xl list -l`, `xl uptime`, xenstore and the console log add. */
  extra: ReadonlyMap<string, DomainExtra>;
  /** Guests dom0's supervisor gave up on at boot (guests-up): name → reason. */
  bootFailures: ReadonlyMap<string, string>;
  hv: { totalMiB: number; freeMiB: number; xenVersion: string } | null;
  dom0: { totalMiB: number; availableMiB: number } | null;
  /** The graphical guests' desktops (vnc-web, vnc-password), when dom0 serves them. */
  desktops?: Desktops;
  /** Deck guests saved at run time (guest-save), by name: s restores them. */
  saved?: ReadonlyMap<string, SaveWhere>;
  /** Deck guests dom0's supervisor is still bringing up (guests-up), by name. */
  comingUp?: ReadonlyMap<string, ComingUp>;
}

/** Where a guest the supervisor brings up is: its `state` file and, while it streams, the share. */
export interface ComingUp {
  phase: "queued" | "waiting-memory" | "restoring" | "post-restore" | "booting";
  /** restoring: the share of its state file read so far, 0..1 */
  share?: number;
}

/** This boot's VNC password and, per guest, where other machines reach its desktop. */
export interface Desktops {
  password: string | null;
  /** name → noVNC URL and plain VNC address on dom0's outside network */
  outside: ReadonlyMap<string, { url: string; vnc: string }>;
}

export interface DomainExtra {
  flavour?: string;
  ip?: string;
  /** Wall-clock ms when the domain was created (now − `xl uptime`). */
  startedAtMs?: number;
  origin?: Origin;
  /** The guest printed LIVEDECK-GUEST-READY since its last boot. */
  ready?: boolean;
  /** "host:port" of a graphical console. */
  vnc?: string;
}

export type Origin = "restored" | "cold";
export type OpKind = "start" | "shutdown" | "destroy" | "restart" | "pause" | "unpause" | "save";

/** The switcher's own work in flight and what failed, per guest name. */
export interface Activity {
  ops: ReadonlyMap<string, { kind: OpKind; sinceMs: number }>;
  failures: ReadonlyMap<string, string>;
}

export type GuestState =
  | "running" | "paused" | "starting" | "stopping" | "saving" | "stopped" | "saved" | "failed"
  // on its way up at boot (guests-up): waiting its turn or for memory, its state streaming in,
  // restored and running its post-restore, booting cold
  | "queued" | "waiting" | "restoring" | "post-restore" | "booting"; // prettier-ignore

export interface Row {
  name: string;
  flavour: string;
  state: GuestState;
  memMiB: number | null;
  vcpus: number | null;
  uptime: string;
  ip: string;
  boot: Origin | "-";
  /** Xen domain id when a domain exists. */
  id: number | null;
  /** The xl config on the medium, when the guest is one of the deck's. */
  configPath: string | null;
  vnc: string | null;
  /** Serves a desktop over VNC: the `v` key shows it full-screen. */
  graphical: boolean;
  /** Where its run-time save is (state "saved"). */
  saved?: SaveWhere | null;
  /** restoring: the share of its state streamed in, 0..1 */
  share?: number;
}

const OP_STATE: Record<OpKind, GuestState> = {
  start: "starting",
  restart: "starting",
  shutdown: "stopping",
  destroy: "stopping",
  pause: "running",
  unpause: "paused",
  save: "saving",
};

export function domainState(d: XlDomain, extra: DomainExtra | undefined): GuestState {
  if (d.flags.shutdown) return d.flags.reason === "crash" ? "failed" : "stopped";
  if (d.flags.dying) return "stopping";
  if (d.flags.paused) return "paused";
  return extra?.ready === false ? "starting" : "running";
}

export function formatUptime(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  const pad = (n: number) => String(n).padStart(2, "0");
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${pad(s % 60)}s`;
  if (s < 86400) return `${Math.floor(s / 3600)}h${pad(Math.floor(s / 60) % 60)}m`;
  return `${Math.floor(s / 86400)}d${pad(Math.floor(s / 3600) % 24)}h`;
}

/** One row per deck guest (medium order), then every other domain but dom0 (by id). */
export function rows(world: World, activity: Activity, nowMs: number): Row[] {
  const byName = new Map(world.domains.filter((d) => d.id !== 0).map((d) => [d.name, d]));
  const names = [
    ...world.medium.map((g) => g.name),
    ...[...byName.values()]
      .filter((d) => !world.medium.some((g) => g.name === d.name))
      .sort((a, b) => a.id - b.id)
      .map((d) => d.name),
  ];
  return names.map((name) => {
    const g = world.medium.find((m) => m.name === name);
    const d = byName.get(name);
    const x = world.extra.get(name);
    const op = activity.ops.get(name);
    const saved = d ? null : (world.saved?.get(name) ?? null);
    let state: GuestState = d ? domainState(d, x) : saved ? "saved" : "stopped";
    const up = world.comingUp?.get(name);
    if (!op && up) state = comingUpState(up, state, d !== undefined);
    if (op) state = OP_STATE[op.kind];
    else if (
      !saved &&
      (activity.failures.has(name) || world.bootFailures.has(name)) &&
      (!d || state === "stopped")
    )
      state = "failed";
    return {
      name,
      flavour: x?.flavour ?? g?.flavour ?? "-",
      state,
      memMiB: d ? d.memMiB : (g?.memoryMiB ?? null),
      vcpus: d ? d.vcpus : (g?.vcpus ?? null),
      uptime: d && x?.startedAtMs !== undefined ? formatUptime((nowMs - x.startedAtMs) / 1000) : "-",
      ip: x?.ip ?? g?.ip ?? "-",
      boot: d ? (x?.origin ?? "-") : "-",
      id: d ? d.id : null,
      configPath: g?.configPath ?? null,
      vnc: x?.vnc ?? (g?.graphical ? desktopAddress(world.desktops, name, x?.ip ?? g.ip) : null),
      graphical: g?.graphical ?? false,
      saved,
      ...(state === "restoring" && up?.share !== undefined ? { share: up.share } : {}),
    };
  });
}

/**
 * A guest's row while the supervisor brings it up: its phase, as long as Xen does not show it
 * further along (a ready guest is running; a domain that went away is its own story).
 */
function comingUpState(up: ComingUp, fromXen: GuestState, hasDomain: boolean): GuestState {
  switch (up.phase) {
    case "queued":
      return hasDomain ? fromXen : "queued";
    case "waiting-memory":
      return hasDomain ? fromXen : "waiting";
    case "restoring":
      return "restoring";
    case "post-restore":
      return hasDomain && fromXen !== "running" ? "post-restore" : fromXen;
    case "booting":
      return hasDomain && fromXen === "starting" ? "booting" : fromXen;
  }
}

/** The state column: "restore 42%" (restoring, the share streamed in), "saved ram", else the state. */
export function stateText(r: Row): string {
  if (r.state === "saved" && r.saved) return `saved ${r.saved}`;
  if (r.state === "restoring" && r.share !== undefined) return `restore ${Math.floor(r.share * 100)}%`;
  return r.state;
}

/** Where a graphical guest's desktop is: dom0's outside network when served there, else the guest's own. */
export function desktopAddress(d: Desktops | undefined, name: string, ip: string | null): string | null {
  const out = d?.outside.get(name);
  // compact: the whole of it fits an 80-column status line
  const pw = d?.password ? ` pw ${d.password}` : "";
  if (out) return `${out.vnc} web ${out.url}${pw} v:view`;
  return ip ? `${ip}:5900${pw} v:view` : null;
}

/** `vnc-web`'s list: "name url vnc-address" lines. */
export function parseDesktopList(text: string): Map<string, { url: string; vnc: string }> {
  const out = new Map<string, { url: string; vnc: string }>();
  for (const line of text.split("\n")) {
    const [name, url, vnc] = line.trim().split(/\s+/);
    if (name && url && vnc) out.set(name, { url, vnc });
  }
  return out;
}

/** Column layout: fits 80 columns with the name column growing on wider screens. */
const COLUMNS = [
  { title: "NAME", width: 12 },
  { title: "FLAVOUR", width: 8 },
  { title: "STATE", width: 12 }, // "post-restore", "restore 42%"
  { title: "MEM", width: 6, right: true },
  { title: "CPU", width: 3, right: true },
  { title: "UPTIME", width: 7, right: true },
  { title: "IP", width: 14 }, // 172.20.216.100
  { title: "BOOT", width: 8 },
] as const;

function cell(text: string, width: number, right = false): string {
  const t = text.length > width ? `${text.slice(0, width - 1)}~` : text;
  return right ? t.padStart(width) : t.padEnd(width);
}

function line(values: readonly string[], width: number): string {
  const fixed = COLUMNS.slice(1).reduce((n, c) => n + c.width + 1, 0);
  // the marker column, and the last column left blank: blessed wrapped a row whose BOOT column
  // ("restored") reached the screen's edge
  const nameWidth = Math.max(COLUMNS[0].width, Math.min(32, width - 2 - fixed));
  const cells = values.map((v, i) =>
    i === 0 ? cell(v, nameWidth) : cell(v, COLUMNS[i]!.width, "right" in COLUMNS[i]! && COLUMNS[i]!.right),
  );
  return ` ${cells.join(" ")}`.slice(0, width).padEnd(width);
}

export function tableHeader(width: number): string {
  return line(
    COLUMNS.map((c) => c.title),
    width,
  );
}

export function tableLine(r: Row, width: number): string {
  return line(
    [
      r.name,
      r.flavour,
      stateText(r),
      r.memMiB === null ? "-" : `${r.memMiB}M`,
      r.vcpus === null ? "-" : String(r.vcpus),
      r.uptime,
      r.ip,
      r.boot,
    ],
    width,
  );
}

/** The header line: dom0 and hypervisor memory; a demo says so at both ends. */
export function headerLine(world: World, demo: boolean, width: number): string {
  const dom0 = world.dom0 ? `dom0 ${world.dom0.availableMiB}/${world.dom0.totalMiB}M free` : "dom0 ?";
  const hv = world.hv ? `Xen ${world.hv.xenVersion} ${world.hv.freeMiB}/${world.hv.totalMiB}M free` : "Xen ?";
  const left = `${demo ? " DEMO" : ""} livedeck  ${dom0}  ${hv}`;
  const right = demo ? "DEMO " : "";
  return width - right.length > left.length
    ? left.padEnd(width - right.length) + right
    : left.slice(0, width).padEnd(width);
}
