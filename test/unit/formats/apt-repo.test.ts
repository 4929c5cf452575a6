import { describe, expect, it } from "vitest";
import {
  debFileName,
  installedPackages,
  packagesIndex,
  packagesParagraph,
  parseParagraphs,
  releaseDate,
  releaseText,
} from "../../../src/formats/apt-repo.ts";

const STATUS = `Package: bsdutils
Essential: yes
Status: install ok installed
Priority: required
Architecture: amd64
Source: util-linux (2.38.1-5+deb12u3)
Version: 1:2.38.1-5+deb12u3
Description: basic utilities from 4.4BSD-Lite
 This package contains the bare minimum of BSD utilities.
 .
 More text.

Package: removed-one
Status: deinstall ok config-files
Architecture: amd64
Version: 1.0

Package: adduser
Status: install ok installed
Architecture: all
Version: 3.134
Conffiles:
 /etc/adduser.conf cc3493ecd1b8ea5fe5fa7d5ee8e7a8a2
Depends: passwd
Description: add and remove users and groups
`;

describe("dpkg status → apt repository", () => {
  it("reads paragraphs with continuation lines", () => {
    const [first] = parseParagraphs(STATUS);
    expect(first!.find(([n]) => n === "Description")![1]).toBe(
      "basic utilities from 4.4BSD-Lite\n This package contains the bare minimum of BSD utilities.\n .\n More text.",
    );
    expect(() => parseParagraphs("no colon here\n")).toThrow(/not a field/);
  });

  it("keeps only fully installed packages, by name:arch", () => {
    const pkgs = installedPackages(STATUS);
    expect([...pkgs.keys()]).toEqual(["bsdutils:amd64", "adduser:all"]);
    expect(pkgs.get("bsdutils:amd64")).toMatchObject({
      name: "bsdutils",
      version: "1:2.38.1-5+deb12u3",
      arch: "amd64",
    });
  });

  it("names .debs as apt's cache does (an epoch's colon as %3a)", () => {
    expect(debFileName({ name: "bsdutils", version: "1:2.38.1-5+deb12u3", arch: "amd64" })).toBe(
      "bsdutils_1%3a2.38.1-5+deb12u3_amd64.deb",
    );
    expect(debFileName({ name: "adduser", version: "3.134", arch: "all" })).toBe("adduser_3.134_all.deb");
  });

  it("turns a status paragraph into an index paragraph: no install state, plus file, size and hash", () => {
    const p = installedPackages(STATUS).get("adduser:all")!;
    expect(packagesParagraph(p, { name: "adduser_3.134_all.deb", size: 1234, sha256: "ab".repeat(32) })).toBe(
      [
        "Package: adduser",
        "Architecture: all",
        "Version: 3.134",
        "Depends: passwd",
        "Description: add and remove users and groups",
        "Filename: ./adduser_3.134_all.deb",
        "Size: 1234",
        `SHA256: ${"ab".repeat(32)}`,
      ].join("\n"),
    );
  });

  it("sorts the index by package and separates paragraphs by one blank line", () => {
    const pkgs = [...installedPackages(STATUS).values()];
    const index = packagesIndex(pkgs.map((pkg) => ({ pkg, text: `Package: ${pkg.name}` })));
    expect(index).toBe("Package: adduser\n\nPackage: bsdutils\n");
  });

  it("writes a Release with a fixed date and the index's hash", () => {
    expect(releaseDate(1735689600)).toBe("Wed, 01 Jan 2025 00:00:00 UTC");
    const r = releaseText({
      suite: "bookworm",
      epoch: 1735689600,
      files: [{ name: "Packages", size: 91399, sha256: "0d".repeat(32) }],
    });
    expect(r).toContain("Suite: bookworm\nCodename: bookworm\nDate: Wed, 01 Jan 2025 00:00:00 UTC\n");
    expect(r.endsWith(`SHA256:\n ${"0d".repeat(32)}    91399 Packages\n`)).toBe(true);
  });
});
