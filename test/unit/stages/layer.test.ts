import { describe, expect, it } from "vitest";
import { shellQuote } from "../../../src/formats/shell.ts";
import layer, { LayerOptions, layerArgv } from "../../../src/stages/layer.ts";

const opts = LayerOptions.parse({
  suite: "bookworm",
  mirror: "/etc/apt/sources.list.d/debian.sources",
  packages: ["hello", "cowsay", "hello"],
  epoch: 42,
});
const paths = { base: "/s/objects/b/out/rootfs.tar", tar: "/s/tmp/x/out/rootfs.tar", debCache: "/s/debs" };

describe("layer stage", () => {
  it("unpacks the base in the first setup hook, before the .deb cache is linked in", () => {
    const argv = layerArgv(opts, paths);
    expect(argv[0]).toBe("mmdebstrap");
    expect(argv[1]).toBe(
      `--setup-hook=tar --extract --numeric-owner --xattrs --xattrs-include='*' --file='/s/objects/b/out/rootfs.tar' --directory="$1"`,
    );
    const linkIn = argv.findIndex((a) => a.startsWith(`--setup-hook=mkdir -p "$1"/var/cache/apt/archives/ && find '/s/debs'`));
    expect(linkIn).toBeGreaterThan(1);
    expect(argv.some((a) => a.startsWith(`--customize-hook=mkdir -p '/s/debs' && find "$1"/var/cache/apt/archives/`))).toBe(true);
  });

  it("installs only the flavour's packages (essential variant: nothing of minbase is re-added)", () => {
    const argv = layerArgv(opts, paths);
    expect(argv).toContain("--mode=root");
    expect(argv).toContain("--variant=essential");
    expect(argv).toContain("--format=tar");
    expect(argv).toContain("--include=cowsay,hello");
    expect(argv.slice(-3)).toEqual([
      "bookworm",
      "/s/tmp/x/out/rootfs.tar",
      "/etc/apt/sources.list.d/debian.sources",
    ]);
  });

  it("passes the flavour's excludes to dpkg, and nothing when it has none", () => {
    const withExcludes = layerArgv({ ...opts, exclude: ["/usr/bin/aria_*", "/usr/share/doc/*"] }, paths);
    expect(withExcludes.filter((a) => a.startsWith("--dpkgopt="))).toEqual([
      "--dpkgopt=path-exclude=/usr/bin/aria_*",
      "--dpkgopt=path-exclude=/usr/share/doc/*",
    ]);
    expect(layerArgv(opts, paths).some((a) => a.startsWith("--dpkgopt="))).toBe(false);
    expect(LayerOptions.parse(opts)).not.toHaveProperty("exclude");
  });

  it("quotes the base path for the hook's shell", () => {
    expect(shellQuote("/a b/it's")).toBe(`'/a b/it'\\''s'`);
    expect(layerArgv(opts, { ...paths, base: "/x y/rootfs.tar" })[1]).toContain(`--file='/x y/rootfs.tar'`);
  });

  it("declares the mirror file as its input and consumes a base", () => {
    expect(layer.inputs(opts)).toEqual(["/etc/apt/sources.list.d/debian.sources"]);
    expect(layer.consumes).toEqual(["base"]);
  });

  const bad: [string, Record<string, unknown>, string][] = [
    ["unknown key", { packges: ["x"] }, "Unrecognized key"],
    ["relative mirror", { mirror: "debian.sources" }, "must be an absolute path"],
    ["empty package name", { packages: [""] }, "at least 1 character"],
    ["fractional epoch", { epoch: 1.5 }, "integer"],
    ["relative exclude", { exclude: ["usr/bin/x"] }, "Invalid input"],
  ];
  for (const [what, patch, message] of bad) {
    it(`rejects ${what}`, () => {
      const r = LayerOptions.safeParse({ ...opts, ...patch });
      expect(r.success).toBe(false);
      expect(r.error?.issues[0]?.message).toContain(message);
    });
  }
});
