import { rm } from "node:fs/promises";
import { join } from "node:path";
import { bootToGuests } from "../src/qemu/to-guests.ts";
import { benchBuild, ciDeckCopy, row } from "./run.ts";

const GUESTS = ["micro1", "micro2", "deb"]; // flavours/ci.deck.yaml, in deck order

/** Issue 9's figure: the CI deck from its PXE tree over QEMU's TFTP vs from CD, BIOS, one run. */
export async function benchPxe(): Promise<void> {
  const { dir, deck } = await ciDeckCopy("pxe");
  try {
    const b = await benchBuild(deck, join(dir, "out"), "--format", "iso", "pxe");
    const path = (f: string) => b.outputs.find((o) => o.format === f)!.path;
    const cd = await bootToGuests({ iso: path("iso") }, GUESTS);
    const pxe = await bootToGuests({ iso: path("pxe"), pxe: true }, GUESTS);
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
