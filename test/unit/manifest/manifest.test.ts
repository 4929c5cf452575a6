import { describe, expect, it } from "vitest";
import { diffSummary, manifestPathFor } from "../../../src/cli/diff.ts";
import { changeCells, diffManifests, type Manifest } from "../../../src/manifest/manifest.ts";
import { composeManifest } from "../../../src/manifest/write.ts";

const h = (c: string) => c.repeat(64);
const A: Manifest = {
  manifest: 1,
  deck: "ci",
  suite: "bookworm",
  epoch: 1735689600,
  stages: { "rootfs:dom0": "a1", "layer:debian": "b1", iso: "c1" },
  packages: {
    dom0: { "bash:amd64": "5.2.15-2+b7", "zstd:amd64": "1.5.4" },
    debian: { "bash:amd64": "5.2.15-2+b7" },
  },
  medium: {
    iso: { sha256: h("1"), bytes: 10 },
    files: {
      "boot/dom0.img": { sha256: h("2"), bytes: 5 },
      "guests/debian.sqfs": { sha256: h("3"), bytes: 4 },
    },
  },
};

describe("manifest diff", () => {
  it("finds nothing between a manifest and itself", () => {
    expect(diffManifests(A, structuredClone(A))).toEqual([]);
    expect(diffSummary([])).toMatch(/^identical/);
  });

  it("lists changed stages, package versions (added, removed, changed), medium files and the ISO", () => {
    const B = structuredClone(A);
    B.stages["layer:debian"] = "b2";
    B.stages.iso = "c2";
    B.packages.debian!["bash:amd64"] = "5.2.15-2+b8";
    B.packages.debian!["curl:amd64"] = "7.88";
    delete B.packages.dom0!["zstd:amd64"];
    B.medium.files["guests/debian.sqfs"] = { sha256: h("4"), bytes: 4 };
    B.medium.iso = { sha256: h("5"), bytes: 10 };
    const changes = diffManifests(A, B);
    expect(changes.map(changeCells)).toEqual([
      ["stage", "iso", "c1", "c2"],
      ["stage", "layer:debian", "b1", "b2"],
      ["package", "debian bash:amd64", "5.2.15-2+b7", "5.2.15-2+b8"],
      ["package", "debian curl:amd64", "-", "7.88"],
      ["package", "dom0 zstd:amd64", "1.5.4", "-"],
      ["file", "guests/debian.sqfs", "333333333333", "444444444444"],
      ["iso", "iso", "111111111111", "555555555555"],
    ]);
    expect(diffSummary(changes)).toBe("2 stages, 3 packages, 1 medium files differ; the ISOs differ");
  });

  it("reads an ISO's manifest from beside it", () => {
    expect(manifestPathFor("out/ci.iso")).toBe("out/ci.manifest.json");
    expect(manifestPathFor("a/ci.manifest.json")).toBe("a/ci.manifest.json");
  });

  it("takes packages from the lock, sorted, and ids in plan order", () => {
    const m = composeManifest({
      deck: "ci",
      suite: "bookworm",
      epoch: 1,
      steps: [
        { key: "rootfs:dom0", id: "x" },
        { key: "iso", id: "y" },
      ] as never,
      lock: {
        lock: 1,
        suite: "bookworm",
        architecture: "amd64",
        epoch: 1,
        release: [],
        roots: {
          dom0: {
            requested: [],
            packages: [
              { name: "zstd", version: "1", arch: "amd64", sha256: h("a") },
              { name: "bash", version: "5", arch: "amd64", sha256: h("b") },
            ],
          },
        },
      },
      medium: A.medium,
    });
    expect(Object.keys(m.packages.dom0!)).toEqual(["bash:amd64", "zstd:amd64"]);
    expect(Object.keys(m.stages)).toEqual(["rootfs:dom0", "iso"]);
  });
});
