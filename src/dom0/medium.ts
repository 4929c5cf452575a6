import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { livedeckWords } from "./xl-list-long.ts";

/**
 * The guests a medium offers: one xl config per deck guest under `<medium>/livedeck/guests/`
 * (rendered by src/formats/xl-config.ts, named `<n>-<guest>.cfg` so they sort in deck order).
 */
export const GUESTS_SUBDIR = "livedeck/guests";

/** The service of a graphical flavour: a VNC server on port 5900 of the guest network. */
export const VNC_SERVICE = "vnc";

export interface MediumGuest {
  name: string;
  flavour: string;
  memoryMiB: number | null;
  vcpus: number | null;
  /** The guest's fixed address (livedeck.ip= without the prefix length). */
  ip: string | null;
  configPath: string;
  /** Serves a desktop over VNC (a `vnc` service, src/pipeline/plan-viewer.ts). */
  graphical?: boolean;
}

/** The few keys of an xl config the switcher needs; list values (`disk = [ … ]`) are skipped. */
export function parseGuestConfig(text: string, configPath: string): MediumGuest | null {
  const values = new Map<string, string>();
  for (const line of text.split("\n")) {
    const m = /^\s*([a-z_]+)\s*=\s*(?:"([^"]*)"|(\d+))\s*$/.exec(line);
    if (m) values.set(m[1]!, m[2] ?? m[3]!);
  }
  const name = values.get("name");
  if (!name) return null;
  const words = livedeckWords(values.get("extra") ?? null);
  const int = (k: string) => (values.has(k) ? Number(values.get(k)) : null);
  return {
    name,
    flavour: words.get("flavour") ?? "-",
    memoryMiB: int("memory"),
    vcpus: int("vcpus"),
    ip: words.get("ip")?.replace(/\/\d+$/, "") ?? null,
    configPath,
    ...(words.get("services")?.split(",").includes(VNC_SERVICE) ? { graphical: true } : {}),
  };
}

/** Every guest config of the medium, in file-name order. A missing directory is an empty medium. */
export async function readMediumGuests(mediumDir: string): Promise<MediumGuest[]> {
  const dir = join(mediumDir, GUESTS_SUBDIR);
  let files: string[];
  try {
    files = (await readdir(dir)).filter((f) => f.endsWith(".cfg")).sort();
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw e;
  }
  const guests = await Promise.all(
    files.map(async (f) => parseGuestConfig(await readFile(join(dir, f), "utf8"), join(dir, f))),
  );
  return guests.filter((g): g is MediumGuest => g !== null);
}
