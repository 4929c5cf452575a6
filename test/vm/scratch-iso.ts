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

/** Builds the scratch ISO (grub-mkrescue, ~1.5 s) in `dir` (default: a new temp dir); returns its path. */
export async function buildScratchIso(dir?: string): Promise<string> {
  dir ??= await mkdtemp(join(tmpdir(), "livedeck-scratch-"));
  await mkdir(join(dir, "tree/boot/grub"), { recursive: true });
  await writeFile(join(dir, "tree/boot/grub/grub.cfg"), SCRATCH_GRUB_CFG);
  const iso = join(dir, "scratch.iso");
  await exec(["grub-mkrescue", "-o", iso, join(dir, "tree")], { stage: "test" });
  return iso;
}
