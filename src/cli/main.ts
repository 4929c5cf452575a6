import { Command, CommanderError } from "commander";
import { registerBoot } from "./boot.ts";
import { registerBuild } from "./build.ts";
import { registerDiff } from "./diff.ts";
import { registerDoctor } from "./doctor.ts";
import { EXIT, reportError } from "./exit.ts";
import { registerExport } from "./export.ts";
import { registerInstall } from "./install.ts";
import { registerLock } from "./lock.ts";
import { registerPlan } from "./plan.ts";
import { registerStore } from "./store.ts";
import { registerSwitcher } from "./switcher.ts";
import { registerUsb } from "./usb.ts";

export function makeProgram(): Command {
  const program = new Command("livedeck")
    .description(
      "Build a bootable Xen live demo medium: RAM-resident dom0, preconfigured guests, a console switcher",
    )
    .version("0.1.0")
    .showHelpAfterError()
    .exitOverride();
  for (const register of [
    registerBuild,
    registerPlan,
    registerBoot,
    registerSwitcher,
    registerStore,
    registerUsb,
    registerInstall,
    registerExport,
    registerDoctor,
    registerLock,
    registerDiff,
  ])
    register(program);
  return program;
}

/** The only place that exits the process. */
async function main(argv: string[]): Promise<number> {
  try {
    await makeProgram().parseAsync(argv);
    return EXIT.ok;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? EXIT.ok : EXIT.user;
    return reportError(e);
  }
}

process.exitCode = await main(process.argv);
// Verbs may leave handles (signal listeners, child pipes); the exit code is decided.
process.exit(process.exitCode);
