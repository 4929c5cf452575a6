import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  BUNDLE_FILE,
  blessedDir,
  EXTERNAL,
  staticWidgetRequires,
  switcherBuildOptions,
  TERMINFO_FILES,
  usrBesideBundle,
} from "../../../src/switcher/bundle.ts";

describe("esbuild options", () => {
  const o = switcherBuildOptions("/out", "/src/switcher");

  it("one cjs file for Node 18, blessed's terminal widget deps left out", () => {
    expect(o).toMatchObject({
      bundle: true,
      platform: "node",
      target: "node18",
      format: "cjs",
      outfile: `/out/${BUNDLE_FILE}`,
    });
    expect(o.external).toEqual(["term.js", "pty.js"]);
    expect(EXTERNAL).toEqual(o.external);
    expect(o.plugins?.map((p) => p.name)).toEqual(["livedeck-blessed"]);
  });

  it("the entry runs switcherMain from main.ts and exits with its code", () => {
    expect(o.stdin?.resolveDir).toBe("/src/switcher");
    expect(o.stdin?.contents).toContain('import { switcherMain } from "./main.ts";');
    expect(o.stdin?.contents).toContain(
      "switcherMain(process.argv.slice(2)).then((code) => process.exit(code)",
    );
  });

  it("ships the terminfo entries blessed falls back to", () => {
    expect(TERMINFO_FILES).toEqual(expect.arrayContaining(["linux", "xterm"]));
  });
});

describe("blessed rewrites", () => {
  const widgetJs = readFileSync(join(blessedDir(), "lib/widget.js"), "utf8");

  it("turns the computed widget require into one static require per widget class", () => {
    const out = staticWidgetRequires(widgetJs);
    expect(out).not.toContain("require('./widgets/' + file)");
    const classes = [.../widget\.classes = \[([^\]]*)\]/.exec(widgetJs)![1]!.matchAll(/'(\w+)'/g)].map((m) =>
      m[1]!.toLowerCase(),
    );
    expect(classes).toContain("listtable");
    for (const c of classes) expect(out).toContain(`require('./widgets/${c}')`);
    expect(out.indexOf("var __livedeckWidgets")).toBe(0);
  });

  it("refuses a widget.js it does not recognise", () => {
    expect(() => staticWidgetRequires("module.exports = {}")).toThrow(/computed widget require not found/);
  });

  it("points blessed's usr/ paths beside the bundle", () => {
    const tput = readFileSync(join(blessedDir(), "lib/tput.js"), "utf8");
    const out = usrBesideBundle(tput);
    expect(out).not.toMatch(/'\/\.\.\/usr\//);
    expect(out).toContain("__dirname + '/usr/xterm'");
    expect(usrBesideBundle("x = __dirname + '/../../usr/fonts/ter-u14n.json'")).toBe(
      "x = __dirname + '/usr/fonts/ter-u14n.json'",
    );
  });
});
