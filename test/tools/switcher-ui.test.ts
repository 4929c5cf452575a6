import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bundleSwitcher } from "../../src/switcher/bundle.ts";
import { requireTools } from "../../src/tools/doctor.ts";
import { rowOf, TmuxTerm } from "./switcher-tmux.ts";

/**
 * The BUNDLED switcher under plain `node`, in an 80×24 tmux terminal with TERM=linux, in --demo
 * mode: Xen is replaced by src/switcher/demo-xen.ts answering from the captured fixtures in
 * test/fixtures/xl/ (the only place a fake Xen is allowed). Keys go in with send-keys; each step
 * asserts what the screen shows.
 */
const FIXTURES = join(import.meta.dirname, "../fixtures/xl");

describe("switcher UI (bundle, tmux, demo)", () => {
  let dir: string;
  const term = new TmuxTerm();

  beforeAll(async () => {
    await requireTools(["tmux"], "the switcher UI test");
    // Outside the repository: the bundle must run without node_modules.
    dir = await mkdtemp(join(tmpdir(), "livedeck-switcher-ui-"));
    await bundleSwitcher(dir);
    const cmd = [
      process.execPath,
      join(dir, "switcher.cjs"),
      "--demo",
      FIXTURES,
      "--events",
      join(dir, "events.log"),
    ];
    await term.start(
      `cd ${dir} && TERM=linux ${cmd.map((a) => `'${a}'`).join(" ")} 2>${join(dir, "stderr.log")}`,
    );
  });

  afterAll(async () => {
    await term.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("shows the list with the DEMO label, the guests, the help bar, and announces itself", async () => {
    const s = await term.waitFor((x) => x.includes(">tiny"), "the guest list");
    const lines = s.split("\n");
    expect(lines[0]).toMatch(/^ DEMO livedeck  dom0 \d+\/\d+M free  Xen 4\.17\.7 \d+\/3071M free +DEMO$/);
    expect(lines[1]).toMatch(/^ NAME +FLAVOUR +STATE +MEM CPU +UPTIME IP +BOOT/);
    expect(rowOf(s, "tiny")).toMatch(/^>tiny +micro +running +96M +1 +\d+m\d\ds 172\.20\.216\.10 /);
    expect(rowOf(s, "deb")).toMatch(/^ deb +jeos +stopped +128M +1 +- 172\.20\.216\.12 /);
    expect(rowOf(s, "t80")).toMatch(/^ t80 +micro +failed +80M/);
    expect(lines[23]).toMatch(
      /^ Enter:console s:start S:save p:pause d:stop r:reboot l:log !:sh c:cancel q:quit/,
    );
    expect(s).toContain("terminal linux, DEMO: recorded fixtures, no Xen");
    expect(await readFile(join(dir, "events.log"), "utf8")).toBe("LIVEDECK-SWITCHER-READY\n");
  });

  it("arrow down moves the selection", async () => {
    await term.keys("Down");
    const s = await term.waitFor((x) => rowOf(x, "deb")?.startsWith(">") ?? false, "deb selected");
    expect(rowOf(s, "tiny")!.startsWith(" ")).toBe(true);
    await term.keys("Up");
    await term.waitFor((x) => rowOf(x, "tiny")?.startsWith(">") ?? false, "tiny selected again");
  });

  it("an arrow key whose bytes arrive in two reads (serial lines do that) still moves", async () => {
    await term.keys("\x1b", true);
    await term.keys("[B", true);
    await term.waitFor((x) => rowOf(x, "deb")?.startsWith(">") ?? false, "deb selected");
    await term.keys("k");
    await term.waitFor((x) => rowOf(x, "tiny")?.startsWith(">") ?? false, "tiny selected again");
  });

  it("p pauses the selected guest", async () => {
    await term.keys("p");
    const s = await term.waitFor((x) => / paused /.test(rowOf(x, "tiny") ?? ""), "tiny paused");
    expect(s).toContain("tiny: paused");
  });

  it("Enter attaches to the guest's console (the demo's stand-in)", async () => {
    await term.keys("Enter");
    const s = await term.waitFor((x) => x.includes("DEMO console of tiny"), "the console");
    expect(s).not.toContain("Enter:console");
    await term.keys("echo hello", true);
    await term.waitFor((x) => x.includes("tiny:~# echo hello"), "typing reaches the console");
  });

  it("Ctrl-] returns to the list, redrawn", async () => {
    await term.keys("C-]");
    const s = await term.waitFor((x) => x.includes("back from tiny's console"), "the list again");
    expect(s).not.toContain("DEMO console of tiny");
    expect(rowOf(s, "tiny")).toMatch(/^>tiny +micro +paused /);
    expect(s.split("\n")[23]).toMatch(/^ Enter:console/);
  });

  it("p resumes, s starts a stopped guest", async () => {
    await term.keys("p");
    await term.waitFor((x) => / running /.test(rowOf(x, "tiny") ?? ""), "tiny running");
    await term.keys("Down");
    await term.keys("s");
    await term.waitFor((x) => / starting /.test(rowOf(x, "deb") ?? ""), "deb starting");
    await term.waitFor(
      (x) => /running .* cold$/.test(rowOf(x, "deb") ?? ""),
      "deb running from a cold boot",
      15_000,
    );
  });

  it("S then r saves the selected guest to RAM, listed as saved ram; s restores it", async () => {
    await term.keys("S");
    await term.waitFor((x) => /Save deb .*r:RAM/.test(x), "the save question");
    await term.keys("r");
    const s = await term.waitFor(
      (x) => / saved ram /.test(rowOf(x, "deb") ?? ""),
      "deb saved to RAM",
      15_000,
    );
    expect(s).toMatch(/deb: saved to ram in [\d.]+ s \(16\.0 MiB\); s restores it/);
    await term.keys("s");
    await term.waitFor(
      (x) => /running .* restored$/.test(rowOf(x, "deb") ?? ""),
      "deb running, restored",
      15_000,
    );
  });

  it("q quits", async () => {
    await term.keys("q");
    await term.waitFor((x) => !x.includes("Enter:console"), "the switcher gone");
    expect(await readFile(join(dir, "stderr.log"), "utf8")).toBe("");
  });
});
