import { describe, expect, it } from "vitest";
import { aptOptions, parsePackagesIndex, parseRelease } from "../../../src/lock/mirror-index.ts";
import { pinHooks, pinText } from "../../../src/lock/pins.ts";

describe("mirror index", () => {
  it("reads name:arch=version → SHA256 from a Packages index", () => {
    const text = [
      "Package: bash",
      "Version: 5.2.15-2+b7",
      "Architecture: amd64",
      "Description: GNU shell",
      " continued",
      "SHA256: " + "1".repeat(64),
      "",
      "Package: adduser",
      "Architecture: all",
      "Version: 3.134",
      "SHA256: " + "2".repeat(64),
    ].join("\n");
    expect([...parsePackagesIndex(text)]).toEqual([
      ["bash:amd64=5.2.15-2+b7", "1".repeat(64)],
      ["adduser:all=3.134", "2".repeat(64)],
    ]);
  });

  it("reads the Release fields the lock records and names the source from apt's list file", () => {
    const text =
      "-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA512\n\nOrigin: Debian\nSuite: oldstable\nVersion: 12.15\nCodename: bookworm\nDate: Sat, 11 Jul 2026 10:16:37 UTC\nSHA256:\n abc 1 main/x\n";
    expect(parseRelease(text, "deb.debian.org_debian_dists_bookworm_InRelease")).toEqual({
      source: "deb.debian.org/debian bookworm",
      suite: "oldstable",
      codename: "bookworm",
      version: "12.15",
      date: "Sat, 11 Jul 2026 10:16:37 UTC",
    });
  });

  it("keeps the host's apt state out of the index fetch", () => {
    const o = aptOptions("/s/apt-index/x", "/etc/apt/sources.list.d/debian.sources");
    expect(o).toContain("Dir::State::Lists=/s/apt-index/x/lists");
    expect(o).toContain("Dir::Etc::SourceList=/dev/null");
    expect(o).toContain("Dir::Etc::SourceParts=/s/apt-index/x/sources.list.d");
  });
});

describe("pins", () => {
  it("pins each locked package to its version above any other source, sorted", () => {
    const text = pinText([
      { name: "zstd", version: "1.5.4", arch: "amd64", sha256: "a".repeat(64) },
      { name: "libc6", version: "2.36-9+deb12u7", arch: "amd64", sha256: "b".repeat(64) },
    ]);
    expect(text).toBe(
      "Package: libc6\nPin: version 2.36-9+deb12u7\nPin-Priority: 1001\n\nPackage: zstd\nPin: version 1.5.4\nPin-Priority: 1001\n",
    );
  });

  it("puts the pins in before apt runs and takes them out of the tarball", () => {
    const [setup, customize] = pinHooks("/store/tmp/x/livedeck-lock.pref");
    expect(setup).toMatch(
      /^--setup-hook=.*cp '\/store\/tmp\/x\/livedeck-lock.pref' "\$1"\/etc\/apt\/preferences.d\/livedeck-lock.pref$/,
    );
    expect(customize).toBe('--customize-hook=rm -f "$1"/etc/apt/preferences.d/livedeck-lock.pref');
  });
});
