import { createHash } from "node:crypto";
import { mkdir, readFile, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { DeckSchema } from "../../src/deck/schema.ts";
import { menuVars } from "../../src/formats/grub-menu.ts";
import { MANIFEST, NET_PLATFORMS } from "../../src/formats/pxe-tree.ts";
import { GUESTS_TREE } from "../../src/stages/iso.ts";
import pxe, { PXE_TREE } from "../../src/stages/pxe.ts";
import { requireTools } from "../../src/tools/doctor.ts";
import { exec } from "../../src/tools/exec.ts";
import { runStage } from "../helpers/stage-ctx.ts";
import { scratch } from "../helpers/scratch.ts";

/** The pxe stage with real grub-mknetdir, grub-script-check and sha256sum on small stand-in inputs. */
const newDir = scratch("livedeck-pxe-");

describe("pxe stage", () => {
  let dir: string;
  let tree: string;

  beforeAll(async () => {
    await requireTools([...pxe.tools], "the pxe stage tests");
    dir = await newDir();
    const dom0 = join(dir, "dom0");
    await mkdir(dom0);
    // stand-ins: the stage places these bytes, it never looks inside
    for (const f of ["xen.gz", "vmlinuz", "dom0.img"]) await writeFile(join(dom0, f), `fake ${f}\n`);
    const g = join(dir, "guests", GUESTS_TREE, "livedeck");
    await mkdir(join(g, "layers"), { recursive: true });
    await writeFile(
      join(g, "guests.list"),
      "# name autostart memory-MiB ip config\nmicro1 yes 96 172.20.216.10 livedeck/guests/1-micro1.cfg\n",
    );
    await writeFile(join(g, "layers", "base.squashfs"), Buffer.alloc(3 * 2 ** 20, 7));
    const {
      net: _n,
      ramNote: _r,
      ...menu
    } = menuVars(DeckSchema.parse({ name: "pxetest", dom0: { memory: "1024M" } }));
    const r = await runStage(
      pxe,
      { menu, guestsMemoryMiB: 96 },
      { dir, debs: dir, inputs: { dom0, guests: join(dir, "guests") } },
    );
    tree = join(r.out, PXE_TREE);
  }, 60_000);

  it("has GRUB's network images for BIOS and UEFI", async () => {
    for (const { bootfile } of Object.values(NET_PLATFORMS))
      expect((await stat(join(tree, bootfile))).size).toBeGreaterThan(10_000);
    // grub-mknetdir's per-platform stub loads the shared menu
    expect(await readFile(join(tree, "boot/grub/i386-pc/grub.cfg"), "utf8")).toContain(
      "source boot/grub/grub.cfg",
    );
  });

  it("has Xen, dom0 and memtest86+ where the ISO has them, and the guests' files", async () => {
    for (const f of [
      "boot/xen.gz",
      "boot/vmlinuz",
      "boot/dom0.img",
      "boot/memtest86+x64.bin",
      "livedeck/guests.list",
      "livedeck/layers/base.squashfs",
      ".livedeck",
    ])
      expect((await stat(join(tree, f))).isFile(), f).toBe(true);
  });

  it("lists every guest file in a manifest that sha256sum -c accepts, and the menu carries the manifest's sha256", async () => {
    const manifest = await readFile(join(tree, MANIFEST), "utf8");
    expect(
      manifest
        .trim()
        .split("\n")
        .map((l) => l.split("  ")[1]),
    ).toEqual(["livedeck/guests.list", "livedeck/layers/base.squashfs"]);
    await exec(["sha256sum", "--check", "--strict", MANIFEST], { stage: "test", cwd: tree });
    const cfg = await readFile(join(tree, "boot/grub/grub.cfg"), "utf8");
    const sum = createHash("sha256").update(manifest).digest("hex");
    expect(cfg).toContain(`livedeck.manifest=${sum}`);
    await exec(["grub-script-check", join(tree, "boot/grub/grub.cfg")], { stage: "test" });
  });

  it("says the RAM a network boot needs: Xen 256 + dom0 1024 + guests 96 MiB", async () => {
    const cfg = await readFile(join(tree, "boot/grub/grub.cfg"), "utf8");
    expect(cfg).toContain(
      "menuentry 'pxetest (network boot: needs 1376 MiB RAM, incl. 4 MiB of guest files)' --id demo {",
    );
  });

  it("a changed file fails the manifest check (what dom0 runs after fetching)", async () => {
    const copy = await newDir();
    await mkdir(join(copy, "livedeck/layers"), { recursive: true });
    await writeFile(join(copy, MANIFEST), await readFile(join(tree, MANIFEST)));
    await writeFile(join(copy, "livedeck/guests.list"), await readFile(join(tree, "livedeck/guests.list")));
    await writeFile(join(copy, "livedeck/layers/base.squashfs"), Buffer.alloc(3 * 2 ** 20, 8));
    const e = await exec(["sha256sum", "--check", MANIFEST], { stage: "test", cwd: copy }).catch(
      (x: unknown) => x,
    );
    expect(String((e as { stderrTail?: string }).stderrTail ?? e)).toMatch(
      /base\.squashfs: FAILED|WARNING: 1 computed checksum did NOT match/,
    );
  });
});
