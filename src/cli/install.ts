import { stat } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import type { Command } from "commander";
import { parseSizeMiB } from "../deck/size.ts";
import { InterruptedError, ToolError, UserError } from "../errors.ts";
import type { InstallProgress, InstallRequest } from "../install/api.ts";
import { requestProblem } from "../install/checks.ts";
import { install } from "../install/install.ts";
import { installRootName } from "../install/root-packages.ts";
import { preflight, prepare } from "../pipeline/prepare.ts";
import { runSteps, selectRun } from "../pipeline/runner.ts";
import { EXPORT_PASSWORD_HASH } from "../stages/disk.ts";
import { STAGES } from "../stages/index.ts";
import { requireTools } from "../tools/doctor.ts";
import { DEFAULT_DECK } from "./build.ts";
import { humanBytes, printJson, rendererFor } from "./render.ts";
import { interruptSignal } from "./signals.ts";

interface InstallFlags {
  flavour: string;
  image: string;
  size: string;
  hostname?: string;
  user: string;
  passwordHash: string;
  withXen?: boolean;
  store?: string;
  verbose?: boolean;
  json?: boolean;
}

function progressLine(p: InstallProgress): string {
  return `${String(Math.round(p.fraction * 100)).padStart(3)}% ${p.step}: ${p.message}`;
}

/** The verb: builds (or finds cached) the flavour's install root, then runs the installer on the image. */
export async function installImage(deck: string, f: InstallFlags, signal: AbortSignal) {
  const mib = parseSizeMiB(f.size);
  if (mib === null || mib < 512)
    throw new UserError(`--size ${f.size}: not a size of at least 512M`, "give e.g. 4G");
  const image = resolve(f.image);
  const existing = await stat(image).catch(() => null);
  if (existing && !existing.isFile())
    throw new UserError(
      `--image ${f.image} exists and is not a regular file`,
      "install writes image files only; name a new file",
    );
  const request: InstallRequest = {
    flavour: f.flavour,
    hostname: f.hostname ?? f.flavour,
    user: f.user,
    passwordHash: f.passwordHash,
    withXen: Boolean(f.withXen),
    target: { kind: "image", path: image, sizeBytes: Math.round(mib) * 2 ** 20 },
  };
  const problem = requestProblem(request);
  if (problem) throw new UserError(problem, "see `livedeck install --help`");

  const prepared = await prepare({
    deck,
    store: f.store,
    formats: [],
    install: { flavour: f.flavour, xen: request.withXen },
  });
  const rootKey = `layer:${installRootName(f.flavour, request.withXen)}`;
  await preflight(selectRun(prepared.steps, { stopAfter: rootKey }).run);
  await requireTools(STAGES.disk!.tools, "install");
  await prepared.store.init();
  const unlock = await prepared.store.lock();
  try {
    const renderer = rendererFor(Boolean(f.json));
    await runSteps(prepared.steps, {
      store: prepared.store,
      stopAfter: rootKey,
      renderer,
      verbose: f.verbose,
      signal,
    });
    const rootStep = prepared.steps.find((s) => s.key === rootKey)!;
    const tty = process.stderr.isTTY && !f.json;
    const started = Date.now();
    const r = await install(request, {
      source: { kind: "tar", path: join(prepared.store.outDir(rootStep.id), "rootfs.tar") },
      workDir: dirname(image),
      signal,
      onProgress: (p) => process.stderr.write(tty ? `\r${progressLine(p)}\x1b[K` : `${progressLine(p)}\n`),
      onLine: f.verbose ? (l) => process.stderr.write(`  ${l}\n`) : undefined,
    });
    if (tty) process.stderr.write("\n");
    if (!r.ok) {
      if (signal.aborted) throw new InterruptedError();
      throw new ToolError(
        `install ${r.step}`,
        ["install", r.step],
        1,
        r.message,
        `install failed at ${r.step}: ${r.message} (image ${r.rolledBack})`,
      );
    }
    const result = { ...r, image, flavour: f.flavour, seconds: (Date.now() - started) / 1000 };
    if (f.json) printJson(result);
    else
      process.stderr.write(
        `installed ${f.flavour} to ${image} in ${result.seconds.toFixed(1)} s (${humanBytes(r.rootUsedBytes)} on root, kernel ${r.ids.kernel}${request.withXen ? ", with Xen" : ""})\n`,
      );
    return result;
  } finally {
    await unlock();
  }
}

export function registerInstall(program: Command): void {
  program
    .command("install")
    .description(
      "Install one flavour of the deck as a standalone OS into a disk image file: GPT (BIOS boot, EFI " +
        "system, ext4 root), GRUB for BIOS and UEFI, fstab by UUID, the user, DHCP, consoles on tty1 and " +
        "ttyS0. The same installer dom0 runs for a guest's install request. Writes only the image file.",
    )
    .argument("[deck]", "deck file", DEFAULT_DECK)
    .requiredOption("--flavour <name>", "the flavour to install (must be `installable: true`)")
    .requiredOption("--image <file>", "the raw disk image to write (created or replaced; never a device)")
    .option("--size <size>", "the image's size, e.g. 4G (sparse: unused space costs nothing)", "4G")
    .option("--hostname <name>", "the installed system's hostname (default: the flavour's name)")
    .option("--user <name>", "the login user to create", "livedeck")
    .option(
      "--password-hash <hash>",
      'the user\'s password as a crypt(3) hash, e.g. from `openssl passwd -6` (default: the hash of "livedeck"; change it)',
      EXPORT_PASSWORD_HASH,
    )
    .option(
      "--with-xen",
      "also install the Xen hypervisor and xen-utils, and boot Xen with the system as dom0 by default",
    )
    .option("--store <dir>", "content-addressed store (default: $XDG_CACHE_HOME/livedeck)")
    .option("-v, --verbose", "stream tool output")
    .option("--json", "print the result as JSON on stdout (progress goes to stderr)")
    .action(async (deck: string, f: InstallFlags) => {
      await installImage(deck, f, interruptSignal());
    });
}
