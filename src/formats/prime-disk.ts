/**
 * The prime stage's scratch disk (a raw image, no filesystem): the stage writes REQUEST at its start
 * so dom0's prime-states knows which disk it may write; dom0 writes each guest's raw `xl save`
 * stream at a MiB-aligned offset and, last, the index below in the first MiB
 * (initrd-skel/dom0/usr/lib/livedeck/prime-states):
 *
 *   LIVEDECK-PRIME-STATES 1
 *   xen_version=4.17.3 … (state-facts: the machine the states were saved on)
 *   state micro1 1048576 100925440
 *   end
 */
export const PRIME_REQUEST = "LIVEDECK-PRIME-REQUEST 1";
export const PRIME_INDEX_HEADER = "LIVEDECK-PRIME-STATES 1";
export const MIB = 2 ** 20;

export interface PrimeIndex {
  /** KEY=VALUE facts from state-facts, in order. */
  facts: [string, string][];
  states: { name: string; offset: number; bytes: number }[];
}

/** The index from the disk's first MiB; throws saying what is wrong (dom0 never finished, garbage). */
export function parsePrimeIndex(head: string): PrimeIndex {
  const lines = head.split("\n");
  if (lines[0] !== PRIME_INDEX_HEADER) {
    const seen = lines[0]?.startsWith(PRIME_REQUEST)
      ? "the request header (dom0 wrote no index)"
      : "no index";
    throw new Error(`prime disk: ${seen}`);
  }
  const index: PrimeIndex = { facts: [], states: [] };
  for (const line of lines.slice(1)) {
    if (line === "end") return index;
    if (line === "") continue;
    const st = /^state ([a-z][a-z0-9-]*) (\d+) (\d+)$/.exec(line);
    if (st) {
      const [offset, bytes] = [Number(st[2]), Number(st[3])];
      if (offset < MIB || offset % MIB || bytes <= 0) throw new Error(`prime disk: bad state line: ${line}`);
      index.states.push({ name: st[1]!, offset, bytes });
      continue;
    }
    const kv = /^([a-z_]+)=(.*)$/.exec(line);
    if (!kv) throw new Error(`prime disk: bad index line: ${JSON.stringify(line)}`);
    index.facts.push([kv[1]!, kv[2]!]);
  }
  throw new Error("prime disk: index has no end line (truncated)");
}

/** Bytes the scratch disk needs: the index MiB, then each state (at most guest RAM + 16 MiB of stream overhead), MiB-aligned. */
export function scratchBytes(guestMemoryMiB: readonly number[]): number {
  return MIB * (1 + guestMemoryMiB.reduce((sum, m) => sum + m + 16, 0));
}
