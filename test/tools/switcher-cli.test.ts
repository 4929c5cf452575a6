import { Command } from "commander";
import { mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it, vi } from "vitest";
import { registerSwitcher } from "../../src/cli/switcher.ts";
import { UserError } from "../../src/errors.ts";
import { requireTools } from "../../src/tools/doctor.ts";
import { rowOf, TmuxTerm } from "./switcher-tmux.ts";

const ROOT = join(import.meta.dirname, "../..");

function program(): Command {
  const p = new Command("livedeck").exitOverride();
  registerSwitcher(p);
  return p;
}

describe("livedeck switcher", () => {
  const term = new TmuxTerm();
  const dirs: string[] = [];
  afterAll(async () => {
    await term.stop();
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  });

  it("--demo runs the TUI on the recorded fixtures, labelled DEMO, until q", async () => {
    await requireTools(["tmux"], "the switcher CLI test");
    // The verb as the CLI runs it (tsx), on a program that has only this verb registered.
    const code = `(async () => { const { Command } = await import("commander"); const { registerSwitcher } = await import("./src/cli/switcher.ts"); const p = new Command("livedeck"); registerSwitcher(p); await p.parseAsync(["node", "livedeck", "switcher", "--demo"]); process.exit(0); })()`;
    await term.start(`cd '${ROOT}' && TERM=xterm npx tsx --eval '${code}'; echo "exit=$?"; sleep 60`);
    const s = await term.waitFor((x) => x.includes(">tiny"), "the demo list", 30_000);
    expect(s.split("\n")[0]).toMatch(/^ DEMO livedeck .* DEMO$/);
    expect(rowOf(s, "t80")).toMatch(/ failed /);
    await term.keys("q");
    await term.waitFor((x) => x.includes("exit=0"), "a clean exit");
  });

  it("without --demo says it runs in dom0 and how to run the demo", async () => {
    const e = await program()
      .parseAsync(["node", "livedeck", "switcher"])
      .catch((x) => x);
    expect(e).toBeInstanceOf(UserError);
    expect(e.message).toBe(
      "the switcher runs in dom0, where the medium starts it; here it can only run as a demo",
    );
    expect(e.hint).toBe("run `livedeck switcher --demo`");
  });

  it("--bundle writes the dom0 bundle and prints its size", async () => {
    const dir = await mkdtemp(join(tmpdir(), "livedeck-switcher-cli-"));
    dirs.push(dir);
    const out = vi.spyOn(process.stdout, "write").mockImplementation(() => true);
    let printed: string[];
    try {
      await program().parseAsync(["node", "livedeck", "switcher", "--bundle", dir]);
    } finally {
      printed = out.mock.calls.map((c) => String(c[0]));
      out.mockRestore();
    }
    const bytes = (await stat(join(dir, "switcher.cjs"))).size;
    expect(printed).toEqual([
      expect.stringMatching(new RegExp(`switcher\\.cjs: [\\d.]+ KiB \\(${bytes} bytes\\)\\n$`)),
    ]);
  });
});
