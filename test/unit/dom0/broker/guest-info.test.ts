import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { installInfo } from "../../../../src/dom0/broker/guest-info.ts";
import { encodeStatus, requestDomid } from "../../../../src/dom0/broker/protocol.ts";
import { XL_FIXTURES } from "../fixtures.ts";

describe("installInfo", () => {
  it("reads the flavour and the layer images of a captured xl config; no installable word: not installable", () => {
    const text = readFileSync(join(XL_FIXTURES, "medium/livedeck/guests/2-deb.cfg"), "utf8");
    expect(installInfo(text)).toEqual({
      flavour: "jeos",
      installable: false,
      layers: ["/run/medium/livedeck/layers/base.squashfs", "/run/medium/livedeck/layers/ping.squashfs"],
    });
    expect(
      installInfo(text.replace("livedeck.flavour=jeos", "livedeck.flavour=jeos livedeck.installable=1"))
        .installable,
    ).toBe(true);
  });

  it("reads a layer disk with the hotplug script before the target", () => {
    const text = `extra = "livedeck.flavour=x livedeck.installable=1"\ndisk = [\n    'format=raw, vdev=xvda, access=ro, script=livedeck-layer, target=/run/medium/livedeck/layers/a.squashfs',\n]\n`;
    expect(installInfo(text).layers).toEqual(["/run/medium/livedeck/layers/a.squashfs"]);
  });
});

describe("protocol", () => {
  it("finds the domain of a request node in xenstore-watch lines, and nothing else", () => {
    expect(requestDomid("/local/domain/7/data/livedeck/install/request")).toBe(7);
    expect(requestDomid("/local/domain/7/data/livedeck/install/request\n")).toBe(7);
    for (const l of [
      "/local/domain",
      "/local/domain/0/data/livedeck/install/request",
      "/local/domain/7/data/livedeck/install/status",
      "/local/domain/7/data/livedeck/install/request/x",
      "/local/domain/07/data/livedeck/install/request",
    ])
      expect(requestDomid(l), l).toBeNull();
  });

  it("writes the status as ASCII JSON", () => {
    expect(encodeStatus({ id: "a", state: "failed", message: "é\u001b" })).toBe(
      '{"id":"a","state":"failed","message":"\\u00e9\\u001b"}',
    );
  });
});
