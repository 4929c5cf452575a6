import { describe, expect, it } from "vitest";
import { hostMirrors } from "../../../bench/peers.ts";

describe("peers benchmark", () => {
  it("gives live-build the host's archive and security URIs from its deb822 sources", () => {
    const sources = [
      "Types: deb\nURIs: http://deb.debian.org/debian\nSuites: bookworm bookworm-updates\nComponents: main",
      "Types: deb\n# snapshot comment\nURIs: http://deb.debian.org/debian-security\nSuites: bookworm-security\nComponents: main\n",
    ].join("\n\n");
    expect(hostMirrors(sources)).toEqual({
      archive: "http://deb.debian.org/debian",
      security: "http://deb.debian.org/debian-security",
    });
    expect(() => hostMirrors("Types: deb\nURIs: http://x/debian\nSuites: bookworm\n")).toThrow(
      /no security URI/,
    );
  });
});
