import type { Command } from "commander";
import { checkTools, installHint, installMissing } from "../tools/doctor.ts";
import { TOOLS, type ToolName } from "../tools/registry.ts";
import { UserError } from "../errors.ts";
import { printJson, table } from "./render.ts";

export function registerDoctor(program: Command): void {
  program
    .command("doctor")
    .description("check the host tools every stage, boot and test needs; --install installs the missing ones")
    .option("--install", "install missing tools with apt-get (needs root)")
    .option("--quiet", "print only what is missing or installed")
    .option("--json", "print the check as JSON on stdout")
    .action(async (o) => {
      const all = Object.keys(TOOLS) as ToolName[];
      let statuses = await checkTools(all);
      let installed: string[] = [];
      if (o.install && statuses.some((s) => !s.found)) {
        installed = await installMissing(statuses, o.json ? undefined : (l) => process.stderr.write(`  ${l}\n`));
        statuses = await checkTools(all);
      }
      const missing = statuses.filter((s) => !s.found);
      if (o.json) printJson({ tools: statuses, installed, missing: missing.map((m) => m.tool) });
      else if (!o.quiet) {
        process.stdout.write(
          table([["tool", "package", "status", "needed to"], ...statuses.map((s) => [s.tool, s.pkg, s.found ? `ok (${s.found})` : "MISSING", s.why])]),
        );
      } else if (installed.length) process.stderr.write(`doctor: installed ${installed.join(" ")}\n`);
      if (missing.length) {
        throw new UserError(`missing: ${missing.map((m) => `${m.tool} (${m.pkg})`).join(", ")}`, installHint(missing.map((m) => m.pkg)));
      }
    });
}
