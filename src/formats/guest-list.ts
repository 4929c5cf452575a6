/**
 * `guests.list` on the medium: the deck's guests in start order, one per line, for dom0's
 * supervisor (initrd-skel/dom0/usr/lib/livedeck/guests-up), which reads it with
 * `while read -r name autostart memory ip config`. Words only: no field may hold a space.
 */

export interface ListedGuest {
  name: string;
  autostart: boolean;
  memoryMiB: number;
  ip: string;
  /** The guest's xl config, relative to the medium's root. */
  config: string;
}

const WORD = /^[A-Za-z0-9._\/:-]+$/;

export function guestList(guests: readonly ListedGuest[]): string {
  const lines = guests.map((g) => {
    const fields = [g.name, g.autostart ? "yes" : "no", String(g.memoryMiB), g.ip, g.config];
    for (const f of fields)
      if (!WORD.test(f)) throw new Error(`guest list: ${JSON.stringify(f)} is not one word`);
    return fields.join(" ");
  });
  return [
    "# name autostart memory-MiB ip config (generated from the deck, read by guests-up)",
    ...lines,
    "",
  ].join("\n");
}
