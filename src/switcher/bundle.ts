import { cp, mkdir, readFile, stat } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { BuildOptions, Plugin } from "esbuild";

/**
 * The dom0 switcher as one CommonJS file for Debian bookworm's Node 18, run without node_modules:
 * `node switcher.cjs`. blessed is CommonJS and finds its terminfo through `__dirname`, which a
 * cjs bundle keeps meaningful: the bundle's own directory, where usr/ is copied.
 */

export const BUNDLE_FILE = "switcher.cjs";
/**
 * What blessed's tput.js reads from its usr/ when the system has no entry: the compiled terminfo
 * files, and xterm.termcap for its termcap mode. (usr/xterm.terminfo is source text nothing reads;
 * fonts/ is for the BigText widget, which the switcher does not use.)
 */
export const TERMINFO_FILES = ["linux", "xterm", "xterm-256color", "windows-ansi", "xterm.termcap"];
/** Optional native/terminal deps of blessed's Terminal widget, which the switcher never creates. */
export const EXTERNAL = ["term.js", "pty.js"];

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);

/** blessed's directory (the one holding lib/ and usr/). */
export function blessedDir(): string {
  return dirname(require.resolve("blessed/package.json"));
}

/**
 * blessed/lib/widget.js requires every widget by a computed name (`require('./widgets/' + file)`),
 * which no bundler can follow. Rewrites it to one static require per name of its own
 * `widget.classes` list, read from the file, so a new blessed version cannot drift from the map.
 */
export function staticWidgetRequires(source: string): string {
  const list = /widget\.classes = \[([^\]]*)\]/.exec(source);
  const computed = "require('./widgets/' + file)";
  if (!list || !source.includes(computed))
    throw new Error("blessed/lib/widget.js: computed widget require not found");
  const names = [...list[1]!.matchAll(/'(\w+)'/g)].map((m) => m[1]!.toLowerCase());
  const map = names
    .map((n) => `  ${JSON.stringify(n)}: function() { return require('./widgets/${n}'); }`)
    .join(",\n");
  // Prepended: the forEach that uses the map runs while the module loads.
  return `var __livedeckWidgets = {\n${map}\n};\n` + source.replace(computed, "__livedeckWidgets[file]()");
}

/** `__dirname + '/../usr/…'` (tput.js) and `'/../../usr/…'` (bigtext.js) → usr/ beside the bundle. */
export function usrBesideBundle(source: string): string {
  return source.replace(/__dirname \+ '\/(?:\.\.\/)+usr\//g, "__dirname + '/usr/");
}

export const blessedPlugin: Plugin = {
  name: "livedeck-blessed",
  setup(build) {
    build.onLoad(
      { filter: /[\\/]blessed[\\/]lib[\\/](widget|tput|widgets[\\/]bigtext)\.js$/ },
      async (args) => {
        let text = await readFile(args.path, "utf8");
        if (args.path.endsWith("widget.js")) text = staticWidgetRequires(text);
        else text = usrBesideBundle(text);
        return { contents: text, loader: "js" };
      },
    );
  },
};

/** The esbuild options (pure): one cjs file for node18, the entry runs switcherMain. */
export function switcherBuildOptions(outDir: string, srcDir = here): BuildOptions {
  return {
    stdin: {
      contents: [
        `import { switcherMain } from "./main.ts";`,
        `switcherMain(process.argv.slice(2)).then((code) => process.exit(code), (e) => {`,
        `  process.stderr.write("switcher crashed: " + ((e && e.stack) || e) + "\\n");`,
        `  process.exit(1);`,
        `});`,
      ].join("\n"),
      resolveDir: srcDir,
      sourcefile: "switcher-entry.ts",
      loader: "ts",
    },
    bundle: true,
    platform: "node",
    target: "node18",
    format: "cjs",
    outfile: join(outDir, BUNDLE_FILE),
    external: EXTERNAL,
    plugins: [blessedPlugin],
    minify: true,
    legalComments: "eof",
    logLevel: "silent",
    metafile: false,
  };
}

/** Bundles the switcher into `outDir` (switcher.cjs + usr/ terminfo) and reports its size. */
export async function bundleSwitcher(outDir: string): Promise<{ file: string; bytes: number }> {
  const { build } = await import("esbuild");
  await mkdir(join(outDir, "usr"), { recursive: true });
  const options = switcherBuildOptions(outDir);
  const result = await build(options);
  if (result.errors.length) throw new Error(`esbuild: ${result.errors.map((e) => e.text).join("; ")}`);
  for (const f of TERMINFO_FILES) await cp(join(blessedDir(), "usr", f), join(outDir, "usr", f));
  const file = options.outfile!;
  return { file, bytes: (await stat(file)).size };
}
