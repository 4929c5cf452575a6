import { describe, expect, it } from "vitest";
import rootfs, { mmdebstrapArgv, rootfsEnv, RootfsOptions } from "../../../src/stages/rootfs.ts";

const opts = RootfsOptions.parse({ suite: "bookworm", mirror: "/etc/apt/sources.list.d/debian.sources", packages: ["zstd", "busybox", "zstd"], epoch: 42 });

describe("rootfs stage", () => {
  it("builds mmdebstrap argv: sorted unique packages, .deb cache hooks, suite, target, mirror file", () => {
    const argv = mmdebstrapArgv(opts, { tar: "/o/rootfs.tar", debCache: "/s/debs" });
    expect(argv.slice(0, 5)).toEqual(["mmdebstrap", "--mode=root", "--variant=minbase", "--format=tar", "--include=busybox,zstd"]);
    expect(argv).toContain("--setup-hook=sync-in /s/debs /var/cache/apt/archives/");
    expect(argv).toContain("--customize-hook=sync-out /var/cache/apt/archives /s/debs");
    expect(argv.slice(-3)).toEqual(["bookworm", "/o/rootfs.tar", "/etc/apt/sources.list.d/debian.sources"]);
  });

  it("has no --include when there are no packages", () => {
    const argv = mmdebstrapArgv({ ...opts, packages: [] }, { tar: "t", debCache: "d" });
    expect(argv.some((a) => a.startsWith("--include"))).toBe(false);
  });

  it("pins SOURCE_DATE_EPOCH and hashes the mirror file", () => {
    expect(rootfsEnv(opts).SOURCE_DATE_EPOCH).toBe("42");
    expect(rootfs.inputs(opts)).toEqual(["/etc/apt/sources.list.d/debian.sources"]);
  });

  it("rejects unknown options", () => {
    expect(RootfsOptions.safeParse({ ...opts, packges: [] }).success).toBe(false);
  });
});
