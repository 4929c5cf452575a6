import { describe, expect, it } from "vitest";
import rootfs, { dieWithUs, mmdebstrapArgv, rootfsEnv, RootfsOptions } from "../../../src/stages/rootfs.ts";

const opts = RootfsOptions.parse({ suite: "bookworm", mirror: "/etc/apt/sources.list.d/debian.sources", packages: ["zstd", "busybox", "zstd"], epoch: 42 });

describe("rootfs stage", () => {
  it("builds mmdebstrap argv: sorted unique packages, .deb cache hooks, suite, target, mirror file", () => {
    const argv = mmdebstrapArgv(opts, { tar: "/o/rootfs.tar", debCache: "/s/debs" });
    expect(argv.slice(0, 6)).toEqual(["mmdebstrap", "--mode=root", "--variant=minbase", "--format=tar", "--skip=essential/unlink", "--include=busybox,zstd"]);
    const setup = argv.find((a) => a.startsWith("--setup-hook="))!;
    expect(setup).toContain(`find '/s/debs' -maxdepth 1 -name '*.deb' -exec`);
    expect(setup).toContain(`ln -f "$0" "$1"`);
    expect(setup).toMatch(/\{\} "\$1"\/var\/cache\/apt\/archives\/ \\;$/);
    expect(argv.find((a) => a.startsWith("--customize-hook=mkdir"))).toContain(`{} '/s/debs' \\;`);
    expect(argv.slice(-3)).toEqual(["bookworm", "/o/rootfs.tar", "/etc/apt/sources.list.d/debian.sources"]);
  });

  it("with a lock, copies the pins in before apt runs and removes them before the tarball", () => {
    const argv = mmdebstrapArgv(opts, { tar: "t", debCache: "d", pins: "/s/tmp/x/livedeck-lock.pref" });
    const setups = argv.filter((a) => a.startsWith("--setup-hook="));
    expect(setups[0]).toContain("cp '/s/tmp/x/livedeck-lock.pref' \"$1\"/etc/apt/preferences.d/livedeck-lock.pref");
    expect(argv).toContain('--customize-hook=rm -f "$1"/etc/apt/preferences.d/livedeck-lock.pref');
    expect(mmdebstrapArgv(opts, { tar: "t", debCache: "d" }).some((a) => a.includes("preferences.d"))).toBe(false);
  });

  it("has no --include when there are no packages", () => {
    const argv = mmdebstrapArgv({ ...opts, packages: [] }, { tar: "t", debCache: "d" });
    expect(argv.some((a) => a.startsWith("--include"))).toBe(false);
  });

  it("quotes a cache path with spaces and quotes as one shell word", () => {
    const setup = mmdebstrapArgv(opts, { tar: "t", debCache: "/my store/it's" }).find((a) => a.startsWith("--setup-hook="))!;
    expect(setup).toContain(`find '/my store/it'\\''s' -maxdepth`);
  });

  it("pins SOURCE_DATE_EPOCH and TMPDIR (for hard links into the store) and hashes the mirror file", () => {
    expect(rootfsEnv(opts).SOURCE_DATE_EPOCH).toBe("42");
    expect(rootfsEnv(opts, "/store/tmp/x").TMPDIR).toBe("/store/tmp/x");
    expect(rootfs.inputs(opts)).toEqual(["/etc/apt/sources.list.d/debian.sources"]);
  });

  it("runs mmdebstrap in its own mount namespace, told to stop when livedeck dies", () => {
    expect(dieWithUs(["mmdebstrap", "x"])).toEqual([
      ...["setpriv", "--pdeathsig", "TERM", "--", "unshare", "--mount", "--propagation", "private", "--"],
      ...["mmdebstrap", "x"],
    ]);
    expect(rootfs.tools).toEqual(expect.arrayContaining(["setpriv", "unshare"]));
  });

  it("rejects unknown options", () => {
    expect(RootfsOptions.safeParse({ ...opts, packges: [] }).success).toBe(false);
  });
});
