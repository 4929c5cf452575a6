import { mkdir, mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { exec } from "../../src/tools/exec.ts";

/**
 * A GRUB-only medium that plays a booted livedeck: it prints LIVEDECK-DOM0-READY on the console and
 * LIVEDECK-SWITCHER-READY on the second serial port (the events channel), then asks on the console
 * which scenario to play. Nobody answering keeps it waiting (for timeouts); QEMU is killed after.
 */
export const SCRATCH_GRUB_CFG = `
serial --unit=0 --speed=115200
serial --unit=1 --speed=115200
terminal_input serial_com0
terminal_output serial_com0
echo "GNU GRUB scratch medium root=$root"
echo LIVEDECK-DOM0-READY
terminal_output serial_com1
echo LIVEDECK-SWITCHER-READY
terminal_output serial_com0
echo "scenario?"
read scenario
echo "scenario: $scenario"
if [ "$scenario" = pass ]; then echo "LIVEDECK-TEST PASS typed $scenario"; halt; fi
if [ "$scenario" = fail ]; then echo "LIVEDECK-TEST FAIL asked to fail"; sleep 60; fi
if [ "$scenario" = panic ]; then echo "Kernel panic - not syncing: asked to panic"; echo "panic detail line"; sleep 60; fi
if [ "$scenario" = guestfail ]; then echo "LIVEDECK-GUEST-FAILED jeos no state"; sleep 60; fi
if [ "$scenario" = halt ]; then halt; fi
sleep 60
`;

/** The first serial port as GRUB's terminal, then what `body` says. */
const onSerial = (body: string) => `
serial --unit=0 --speed=115200
terminal_input serial_com0
terminal_output serial_com0
${body}
sleep 600
`;

/** A medium that stalls as a TCG dom0 boot sometimes does: Xen's last words, then silence. */
export const STALLING_GRUB_CFG = onSerial(`echo "(XEN) *** Serial input to DOM0 (type 'CTRL-a' three times to switch input)"
echo "(XEN) Freed 620kB init memory"
echo "about to get started..."`);

/** A medium whose kernel panics before dom0 is ready: a defect, never booted again. */
export const PANICKING_GRUB_CFG = onSerial(`echo "Kernel panic - not syncing: VFS: Unable to mount root fs"
echo "panic detail line"`);

/**
 * Builds the scratch ISO (grub-mkrescue, ~1.5 s) in `dir` (default: a new temp dir) with `cfg` as
 * its grub.cfg (default SCRATCH_GRUB_CFG); returns its path.
 */
export async function buildScratchIso(
  dir?: string,
  cfg = SCRATCH_GRUB_CFG,
  name = "scratch",
): Promise<string> {
  dir ??= await mkdtemp(join(tmpdir(), "livedeck-scratch-"));
  await mkdir(join(dir, `${name}-tree/boot/grub`), { recursive: true });
  await writeFile(join(dir, `${name}-tree/boot/grub/grub.cfg`), cfg);
  const iso = join(dir, `${name}.iso`);
  await exec(["grub-mkrescue", "-o", iso, join(dir, `${name}-tree`)], { stage: "test" });
  return iso;
}
