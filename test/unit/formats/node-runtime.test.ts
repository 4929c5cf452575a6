import { describe, expect, it } from "vitest";
import { sharedBuiltinPaths } from "../../../src/formats/node-runtime.ts";

const z = "\0";

describe("Node's shared builtins in libnode", () => {
  it("finds the NUL-terminated /usr/share/nodejs/….js path strings, each once, in file order", () => {
    const lib = Buffer.from(
      [
        "\x7fELF junk",
        "/usr/share/nodejs/cjs-module-lexer/lexer.js",
        "/usr/share/nodejs/acorn/dist/acorn.js",
        "/usr/share/nodejs/cjs-module-lexer/lexer.js",
        "more",
      ].join(z) + z,
      "latin1",
    );
    expect(sharedBuiltinPaths(lib)).toEqual([
      "/usr/share/nodejs/cjs-module-lexer/lexer.js",
      "/usr/share/nodejs/acorn/dist/acorn.js",
    ]);
  });

  it("ignores paths inside other text (build config), directories and unterminated strings", () => {
    const lib = Buffer.from(
      [
        '{"defines": ["X_PATH=/usr/share/nodejs/undici/undici-fetch.js"]}',
        "/usr/share/nodejs/",
        "/usr/share/nodejs/x/README.md",
      ].join(z) + `${z}/usr/share/nodejs/cut.js`,
      "latin1",
    );
    expect(sharedBuiltinPaths(lib)).toEqual([]);
  });
});
