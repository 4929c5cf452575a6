import { describe, expect, it } from "vitest";
import { configLayers, setEnvText, stateMetaText, stateZstdArgv } from "../../../src/formats/state-meta.ts";

describe("state metadata on the medium", () => {
  it("lists the layer images an xl config's disks name, relative to the medium", () => {
    const cfg = [
      "disk = [",
      "    'format=raw, vdev=xvda, access=ro, script=livedeck-layer, target=/run/medium/livedeck/layers/guest-base.squashfs',",
      "    'format=raw, vdev=xvdb, access=ro, script=livedeck-layer, target=/run/medium/livedeck/layers/debian.squashfs',",
      "]",
    ].join("\n");
    expect(configLayers(cfg, "/run/medium")).toEqual([
      "livedeck/layers/guest-base.squashfs",
      "livedeck/layers/debian.squashfs",
    ]);
    expect(configLayers('name = "micro1"\n', "/run/medium")).toEqual([]);
  });

  it("writes NAME.meta as the KEY=VALUE lines state-match reads", () => {
    const text = stateMetaText({
      configSha256: "c".repeat(64),
      layers: [{ path: "livedeck/layers/a.squashfs", bytes: 4096, sha256: "a".repeat(64) }],
      rawBytes: 100,
      stateBytes: 10,
      stateSha256: "s".repeat(64),
    });
    expect(text.split("\n")).toEqual([
      `config_sha256=${"c".repeat(64)}`,
      "layers=livedeck/layers/a.squashfs:4096",
      `layer_sha256=livedeck/layers/a.squashfs:${"a".repeat(64)}`,
      "raw_bytes=100",
      "state_bytes=10",
      `state_sha256=${"s".repeat(64)}`,
      "",
    ]);
  });

  it("writes set.env from dom0's facts plus how the set was made", () => {
    expect(setEnvText([["vendor", "AuthenticAMD"]], { cpuModel: "Opteron_G3", zstd: "-19 --long=27" })).toBe(
      "vendor=AuthenticAMD\nqemu_cpu=Opteron_G3\nzstd=-19 --long=27\n",
    );
  });

  it("compresses with a long window only when asked, --ultra above 19", () => {
    expect(stateZstdArgv(19, true, "a", "b")).toEqual([
      "zstd",
      "-19",
      "--long=27",
      "--check",
      "-T0",
      "-q",
      "-f",
      "-o",
      "b",
      "a",
    ]);
    expect(stateZstdArgv(3, false, "a", "b")).toEqual(["zstd", "-3", "--check", "-T0", "-q", "-f", "-o", "b", "a"]);
    expect(stateZstdArgv(22, false, "a", "b")).toContain("--ultra");
  });
});
