import { access } from "node:fs/promises";
import { resolve } from "node:path";
import { UserError } from "../errors.ts";

/** Where the host keeps its Debian sources; mmdebstrap takes a deb822 file as its mirror argument. */
export const HOST_SOURCES = ["/etc/apt/sources.list.d/debian.sources", "/etc/apt/sources.list"];

/** The deck's `mirror` setting as a file path: never a hard-coded host. */
export async function resolveMirror(setting: string, deckDir: string): Promise<string> {
  const candidates = setting === "host" ? HOST_SOURCES : [resolve(deckDir, setting)];
  for (const c of candidates) {
    try {
      await access(c);
      return c;
    } catch {
      /* next */
    }
  }
  throw new UserError(
    setting === "host" ? `no Debian sources on this host (${HOST_SOURCES.join(", ")})` : `mirror file not found: ${candidates[0]}`,
    "set `mirror:` in the deck to a deb822 .sources file",
  );
}
