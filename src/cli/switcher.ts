import type { Command } from "commander";
import { fileURLToPath } from "node:url";
import { UserError } from "../errors.ts";
import { bundleSwitcher } from "../switcher/bundle.ts";
import { runSwitcher } from "../switcher/main.ts";
import { humanBytes } from "./render.ts";

/** The recorded xl/xenstore output the demo replays (see its README). */
export const DEMO_FIXTURES = fileURLToPath(new URL("../../test/fixtures/xl", import.meta.url));

export interface SwitcherVerbOptions {
  demo: boolean;
  fixtures: string;
  bundle?: string;
}

/**
 * `livedeck switcher --demo`: the dom0 console switcher on this machine, against recorded Xen
 * output, labelled DEMO (screenshots, docs). In dom0 the medium starts the bundle itself.
 */
export function registerSwitcher(program: Command): void {
  program
    .command("switcher")
    .description("run the dom0 console switcher against recorded Xen output (--demo), or write its bundle")
    .option("--demo", "run the TUI here on recorded xl/xenstore output, labelled DEMO")
    .option("--fixtures <dir>", "recorded output for --demo", DEMO_FIXTURES)
    .option("--bundle <dir>", "write the dom0 bundle (switcher.cjs + usr/) into <dir> and print its size")
    .action(async (o: SwitcherVerbOptions) => {
      if (o.bundle) {
        const { file, bytes } = await bundleSwitcher(o.bundle);
        process.stdout.write(`${file}: ${humanBytes(bytes)} (${bytes} bytes)\n`);
        return;
      }
      if (!o.demo)
        throw new UserError(
          "the switcher runs in dom0, where the medium starts it; here it can only run as a demo",
          "run `livedeck switcher --demo`",
        );
      if (!process.stdin.isTTY || !process.stdout.isTTY)
        throw new UserError(
          "livedeck switcher --demo needs a terminal",
          "run it in a terminal, not with redirected input or output",
        );
      await runSwitcher({
        mediumDir: "",
        consoleLogDir: "",
        events: null,
        demoFixtures: o.fixtures,
        allowQuit: true,
        pollMs: 3000,
        shutdownTimeoutMs: 10_000,
        supervise: false,
        crashLog: "",
      });
    });
}
