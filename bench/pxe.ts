import { cp, mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startBoot } from "../src/qemu/session.ts";
import { ROOT, row, timed } from "./run.ts";

const MINUTE = 60_000;
const GUESTS = ["micro1", "micro2", "deb"]; // flavours/ci.deck.yaml, in deck order

interface Build {
  outputs: { format: string; path: string }[];
}

/** Boots a medium to every CI guest ready: seconds to dom0 ready and to the last guest ready. */
async function toGuests(o: {
  iso: string;
  pxe?: boolean;
}): Promise<{ dom0: number; guests: number; fetch?: string }> {
  const s = await startBoot(o);
  try {
    const dom0 = (await s.expect("LIVEDECK-DOM0-READY", 12 * MINUTE)).seconds;
    let guests = dom0;
    for (const g of GUESTS) guests = (await s.expect(`LIVEDECK-GUEST-READY ${g} cold`, 10 * MINUTE)).seconds;
    const log = (await readFile(s.logs.console, "utf8")).replaceAll("\r", "");
    return { dom0, guests, fetch: /^livedeck: fetched and checked .*$/m.exec(log)?.[0] };
  } finally {
    await s.stop();
  }
}

/** Issue 9's figure: the CI deck from its PXE tree over QEMU's TFTP vs from CD, BIOS, one run. */
export async function benchPxe(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), "livedeck-bench-pxe-"));
  const store = process.env.LIVEDECK_BENCH_STORE ?? join(ROOT, ".store-test");
  try {
    await cp(join(ROOT, "flavours"), join(dir, "flavours"), { recursive: true });
    const deck = join(dir, "flavours", "ci.deck.yaml");
    const b = (
      await timed(["build", deck, "--store", store, "--out", join(dir, "out"), "--format", "iso", "pxe"])
    ).json as Build;
    const path = (f: string) => b.outputs.find((o) => o.format === f)!.path;
    const cd = await toGuests({ iso: path("iso") });
    const pxe = await toGuests({ iso: path("pxe"), pxe: true });
    console.log("CI deck, TCG, BIOS: PXE (QEMU's TFTP) vs CD");
    console.log(row("CD: dom0 ready", cd.dom0));
    console.log(row("PXE: dom0 ready", pxe.dom0, cd.dom0));
    console.log(row("CD: all guests ready", cd.guests));
    console.log(row("PXE: all guests ready", pxe.guests, cd.guests));
    if (pxe.fetch) console.log(pxe.fetch);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
