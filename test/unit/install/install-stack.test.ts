import { describe, expect, it } from "vitest";
import { installImages, installRootName } from "../../../src/install/install-stack.ts";

describe("install stack", () => {
  it("names the install roots", () => {
    expect(installRootName("jeos", false)).toBe("jeos+install");
    expect(installRootName("jeos", true)).toBe("jeos+install+xen");
  });

  it("puts the flavour's install images beside the guest's layers, bottom first", () => {
    const guest = [
      "/run/medium/livedeck/layers/guest-base.squashfs",
      "/run/medium/livedeck/layers/jeos.squashfs",
    ];
    expect(installImages(guest, "jeos", false)).toEqual([
      ...guest,
      "/run/medium/livedeck/layers/jeos+install.squashfs",
    ]);
    expect(installImages(guest, "jeos", true)).toEqual([
      ...guest,
      "/run/medium/livedeck/layers/jeos+install.squashfs",
      "/run/medium/livedeck/layers/jeos+install+xen.squashfs",
    ]);
    expect(installImages([], "micro", false)).toEqual([]);
  });
});
