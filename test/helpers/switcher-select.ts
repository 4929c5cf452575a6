import type { BootSession } from "../../src/qemu/session.ts";
import type { SerialTerm } from "./serial-term.ts";

/** Moves the selection (">") to `name` with j/k. */
export async function select(s: BootSession, t: SerialTerm, name: string): Promise<void> {
  for (let i = 0; i < 10; i++) {
    const lines = (await t.screen()).split("\n");
    const at = lines.findIndex((l) => l.slice(1).startsWith(`${name} `));
    const sel = lines.findIndex((l) => l.startsWith(">"));
    if (at >= 0 && at === sel) return;
    s.send(at > sel ? "j" : "k");
    await t.waitFor(
      (sc) => sc.split("\n").findIndex((l) => l.startsWith(">")) !== sel,
      "the selection move",
      20_000,
    );
  }
  throw new Error(`could not select ${name}:\n${await t.screen()}`);
}
