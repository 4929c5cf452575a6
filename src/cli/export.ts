import { Command, Option } from "commander";
import { statSync } from "node:fs";
import { build, type BuildResult } from "../pipeline/build.ts";
import type { OutputName } from "../pipeline/outputs.ts";
import { DISK_FORMATS } from "../install/qemu-img.ts";
import { loadDeck } from "../deck/load.ts";
import { checkInstallable } from "../pipeline/plan-install.ts";
import { UserError } from "../errors.ts";
import { DEFAULT_DECK } from "./build.ts";
import { humanBytes, printJson, rendererFor } from "./render.ts";
import { interruptSignal } from "./signals.ts";

const FORMATS = ["raw", ...Object.keys(DISK_FORMATS)] as OutputName[];

/**
 * VM disk images only: for each flavour and format, the build's steps up to that image (install
 * root, raw install, conversion; all cached in the store), without the ISO.
 */
export function registerExport(program: Command): void {
  program
    .command("export")
    .description(
      "write VM disk images of installable flavours: out/<deck>-<flavour>.<format> (each flavour installed " +
        "to a 4 GiB sparse raw disk by the installer, BIOS and UEFI bootable, then converted by qemu-img); " +
        "the same steps as `build --format`, without building the ISO",
    )
    .argument("[deck]", "deck file", DEFAULT_DECK)
    .addOption(new Option("--format <formats...>", "image formats").choices(FORMATS).default(["qcow2"]))
    .option("--flavour <names...>", "flavours to export (default: every installable flavour of the deck)")
    .option("--store <dir>", "content-addressed store (default: $XDG_CACHE_HOME/livedeck)")
    .option("--out <dir>", "where images are written", "out")
    .option("-v, --verbose", "stream tool output")
    .option("--json", "print the images written as JSON on stdout")
    .action(async (deck: string, o) => {
      const loaded = await loadDeck(deck);
      const flavours: string[] =
        o.flavour ?? [...loaded.flavours.keys()].filter((f) => loaded.flavours.get(f)!.flavour.installable);
      if (!flavours.length)
        throw new UserError(
          `${deck}: no flavour is installable`,
          "set `installable: true` in a Debian flavour",
        );
      flavours.forEach((f) => checkInstallable(loaded, f));
      const signal = interruptSignal();
      const outputs: BuildResult["outputs"] = [];
      for (const f of flavours)
        for (const format of o.format as OutputName[]) {
          const r = await build({
            deck,
            store: o.store,
            outDir: o.out,
            formats: o.format,
            stopAfter: `${format}:${f}`,
            verbose: o.verbose,
            renderer: rendererFor(Boolean(o.json)),
            signal,
          });
          outputs.push(...r.outputs.filter((x) => x.format === format && x.path.endsWith(`-${f}.${format}`)));
        }
      if (o.json) return printJson({ outputs });
      for (const x of outputs)
        process.stderr.write(`${x.format}: ${x.path} (${humanBytes(statSync(x.path).size)})\n`);
    });
}
