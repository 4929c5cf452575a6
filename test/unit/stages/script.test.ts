import { describe, expect, it } from "vitest";
import script, {
  chrootArgv,
  SCRIPT_IN_CHROOT,
  ScriptOptions,
  scriptEnv,
} from "../../../src/stages/script.ts";

const opts = ScriptOptions.parse({
  script: "motd.sh",
  text: "echo hi > /etc/motd\n",
  epoch: 42,
  env: { GREETING: "hi", PATH: "/opt/bin:/usr/bin" },
});

describe("script stage", () => {
  it("carries the script's text, not its path (a copied deck shares the step); runs in a base, its delta against what is under the flavour", () => {
    expect(script.inputs(opts)).toEqual([]);
    expect(script.consumes).toEqual(["base", "under"]);
  });

  it("runs the script with sh -e in a clean environment; the user's variables win", () => {
    const env = scriptEnv(opts);
    expect(env).toMatchObject({
      HOME: "/root",
      SOURCE_DATE_EPOCH: "42",
      DEBIAN_FRONTEND: "noninteractive",
      GREETING: "hi",
      PATH: "/opt/bin:/usr/bin",
    });
    expect(Object.keys(env)).not.toContain("USER");
    expect(chrootArgv("/o/root", { A: "1", B: "x y" })).toEqual([
      "chroot",
      "/o/root",
      "/usr/bin/env",
      "-i",
      "A=1",
      "B=x y",
      "/bin/sh",
      "-e",
      SCRIPT_IN_CHROOT,
    ]);
    expect(SCRIPT_IN_CHROOT.startsWith("/tmp/")).toBe(true);
  });

  const bad: [string, Record<string, unknown>, string][] = [
    ["no script name", { script: "" }, "at least 1 character"],
    ["no script text", { text: undefined }, "Required"],
    ["an env name that is not a shell variable", { env: { "A-B": "1" } }, "not a shell variable name"],
    ["a non-string env value", { env: { A: 1 } }, "Expected string"],
    ["an unknown key", { scirpt: "/x" }, "Unrecognized key"],
  ];
  for (const [what, patch, message] of bad) {
    it(`rejects ${what}`, () => {
      const r = ScriptOptions.safeParse({ ...opts, ...patch });
      expect(r.success).toBe(false);
      expect(r.error?.issues[0]?.message).toContain(message);
    });
  }
});
