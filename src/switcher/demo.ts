import { readFileSync } from "node:fs";
import { join } from "node:path";
import { readMediumGuests } from "../dom0/medium.ts";
import { DEMO_TIMING, DemoXen, savedDir, type DemoTiming } from "./demo-xen.ts";
import type { Dom0Io } from "./poll.ts";

/**
 * DEMO ONLY: the switcher's dom0 access answered from recorded fixtures (test/fixtures/xl/, see
 * its README) through DemoXen. Used by `livedeck switcher --demo` and the headless UI test.
 */

/** Stands in for `xl console NAME` / a dom0 shell: says it is a demo, echoes, Ctrl-] returns. */
export const DEMO_CONSOLE_SCRIPT = `
const name = process.argv[1] || "guest";
const out = (s) => process.stdout.write(s);
out("\\r\\n*** DEMO console of " + name + ": stands in for 'xl console " + name + "' (no Xen here). Ctrl-] returns. ***\\r\\n\\r\\n");
out(name + ":~# ");
if (process.stdin.isTTY) process.stdin.setRawMode(true);
process.stdin.on("data", (d) => {
  for (const b of d) {
    if (b === 0x1d) { out("\\r\\n"); process.exit(0); }
    if (b === 13) out("\\r\\n" + name + ":~# ");
    else if (b === 3) out("^C");
    else out(String.fromCharCode(b));
  }
});
`;

export function demoConsoleArgv(name: string): string[] {
  return [process.execPath, "-e", DEMO_CONSOLE_SCRIPT, name];
}

export interface DemoSetup {
  io: Dom0Io;
  mediumDir: string;
  consoleLogDir: string;
}

export async function demoSetup(fixturesDir: string, timing: DemoTiming = DEMO_TIMING): Promise<DemoSetup> {
  const read = (f: string) => readFileSync(join(fixturesDir, f), "utf8");
  const mediumDir = join(fixturesDir, "medium");
  const medium = await readMediumGuests(mediumDir);
  const now = () => Date.now();
  const xen = new DemoXen(
    {
      xlList: read("xl-list.txt"),
      xlListLong: read("xl-list-l.json"),
      xlInfo: read("xl-info.txt"),
      xlUptime: read("xl-uptime.txt"),
      xenstoreLs: read("xenstore-ls-f-local-domain.txt"),
      invalidDomain: read("xl-invalid-domain.stderr.txt"),
      createDuplicate: read("xl-create-duplicate.stderr.txt"),
    },
    now,
    new Map(medium.map((g) => [g.configPath, g])),
    timing,
  );
  const consoleLogDir = "/var/log/xen/console";
  const logs = new Map([[`${consoleLogDir}/guest-tiny.log`, read("console-guest-tiny.log")]]);
  const io: Dom0Io = {
    run: (argv, opts) => xen.run(argv, opts?.signal),
    now,
    async readTail(path) {
      if (path === "/proc/meminfo") return read("proc-meminfo.txt");
      const saved = /^\/run\/livedeck\/guests\/(.+)\/saved$/.exec(path)?.[1];
      if (saved) {
        const where = xen.saved.get(saved);
        return where ? `${where} ${savedDir(where)}/${saved}.zst\n` : null;
      }
      const recorded = logs.get(path);
      if (recorded !== undefined) return recorded;
      // A guest the demo started: it "boots" and reports ready after a few seconds.
      const name = /guest-(.+)\.log$/.exec(path)?.[1];
      const since = name ? xen.booting.get(name) : undefined;
      if (!name || since === undefined) return null;
      const boot = `livedeck: guest ${name} (demo) init at 1.02 s\n`;
      return now() - since >= timing.createMs * 1.5 ? `${boot}LIVEDECK-GUEST-READY ${name}\n` : boot;
    },
  };
  return { io, mediumDir, consoleLogDir };
}
