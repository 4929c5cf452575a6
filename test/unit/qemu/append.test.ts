import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { DeckSchema } from "../../../src/deck/schema.ts";
import { menuVars, renderMenu } from "../../../src/formats/grub-menu.ts";
import {
  appendToMenu,
  pvdModified,
  pxeTreeWithAppend,
  replaceMenuArgv,
  selectEntry,
} from "../../../src/qemu/append.ts";

const cfg = renderMenu(menuVars(DeckSchema.parse({ name: "demo" }), { append: "livedeck.nossh" }));
const kernelLines = (text: string) =>
  text.split("\n").filter((l) => /^\s*module2 \S*\/boot\/vmlinuz /.test(l));

describe("boot --append", () => {
  it("adds the words after every dom0 kernel line's own, quoting a $ word for GRUB", () => {
    const out = appendToMenu(cfg, "livedeck.toram livedeck.rootpw=$6$s$h");
    const before = kernelLines(cfg);
    const after = kernelLines(out);
    expect(after).toHaveLength(12); // demo, verbose, rescue, serial and the 8 options
    after.forEach((l, i) => expect(l).toBe(`${before[i]} livedeck.toram 'livedeck.rootpw=$6$s$h'`));
    // everything else is untouched
    expect(out.split("\n").filter((l) => !after.includes(l))).toEqual(
      cfg.split("\n").filter((l) => !before.includes(l)),
    );
  });

  it("leaves the menu as it is without words, refuses words GRUB cannot carry", () => {
    expect(appendToMenu(cfg, "")).toBe(cfg);
    expect(() => appendToMenu(cfg, "a=1; reboot")).toThrow(
      "--append: must be space-separated kernel arguments without quotes or ;{}",
    );
    expect(() => appendToMenu("menuentry x {\n}\n", "livedeck.nossh")).toThrow("has no dom0 kernel line");
  });

  it("keeps the volume date: xorriso writes a new session with the old PVD time as uuid", () => {
    expect(
      pvdModified(
        "Volume Id    : LIVEDECK\nCreation Time: 2025010100000000\nModif. Time  : 2025010100000000\n",
      ),
    ).toBe("2025010100000000");
    expect(replaceMenuArgv("/l/medium.iso", "/t/grub.cfg", "2025010100000000")).toEqual([
      ...["xorriso", "-dev", "/l/medium.iso", "-boot_image", "any", "keep"],
      ...[
        "-volume_date",
        "uuid",
        "2025010100000000",
        "-map",
        "/t/grub.cfg",
        "/boot/grub/grub.cfg",
        "-commit",
      ],
    ]);
  });
});

describe("boot --entry", () => {
  it("makes the named top-level entry the default and changes nothing else", () => {
    const out = selectEntry(cfg, "verbose");
    expect(out).toMatch(/^set default=verbose$/m);
    expect(out.replace("set default=verbose", "set default=demo")).toBe(cfg);
    expect(selectEntry(cfg, "memtest")).toMatch(/^set default=memtest$/m);
  });

  it("refuses an entry the menu does not have (a submenu's count as not top-level), listing those it has", () => {
    expect(() => selectEntry(cfg, "verbos")).toThrow("--entry: the medium's menu has no entry verbos");
    expect(() => selectEntry(cfg, "toram")).toThrow("no entry toram");
    const e = (() => {
      try {
        selectEntry(cfg, "x");
      } catch (err) {
        return err as { hint?: string };
      }
    })();
    expect(e?.hint).toBe("its entries: demo, verbose, rescue, serial, memtest");
  });

  it("boots a PXE tree with the words on a hard-linked copy whose menu alone is new", async () => {
    const dir = await mkdtemp(join(tmpdir(), "livedeck-pxe-append-"));
    try {
      const tree = join(dir, "tree");
      await mkdir(join(tree, "boot/grub"), { recursive: true });
      await writeFile(join(tree, "boot/grub/grub.cfg"), cfg);
      await writeFile(join(tree, "livedeck.sha256"), "sums\n");
      const out = await pxeTreeWithAppend(tree, "livedeck.guest-timeout=900", dir);
      expect(await readFile(join(out, "boot/grub/grub.cfg"), "utf8")).toBe(
        appendToMenu(cfg, "livedeck.guest-timeout=900"),
      );
      expect(await readFile(join(tree, "boot/grub/grub.cfg"), "utf8")).toBe(cfg); // the server's menu
      const [a, b] = await Promise.all([
        stat(join(tree, "livedeck.sha256")),
        stat(join(out, "livedeck.sha256")),
      ]);
      expect(b.ino).toBe(a.ino); // linked, not copied
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
