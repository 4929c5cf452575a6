import { describe, expect, it } from "vitest";
import switcherMedium, { missingPaths, SWITCHER_FILES } from "../../../src/stages/switcher-medium.ts";

describe("switcher-medium stage", () => {
  it("ships each file and symlink of the closure that the pruned dom0 lacks, once, sorted", async () => {
    const files = [
      { path: "usr/bin/node", data: "usr/bin/node", via: [] },
      {
        path: "usr/lib/x86_64-linux-gnu/libicuuc.so.72.1",
        data: "usr/lib/x86_64-linux-gnu/libicuuc.so.72.1",
        via: ["lib", "usr/lib/x86_64-linux-gnu/libicuuc.so.72"],
      },
      {
        path: "usr/lib/x86_64-linux-gnu/libc.so.6",
        data: "usr/lib/x86_64-linux-gnu/libc.so.6",
        via: ["lib"],
      },
    ];
    const present = new Set(["lib", "usr/lib/x86_64-linux-gnu/libc.so.6"]);
    expect(await missingPaths(files, async (p) => present.has(p))).toEqual([
      "usr/bin/node",
      "usr/lib/x86_64-linux-gnu/libicuuc.so.72",
      "usr/lib/x86_64-linux-gnu/libicuuc.so.72.1",
    ]);
  });

  it("puts the bundle, its terminfo and the runtime image in its switcher/ dir", () => {
    expect(SWITCHER_FILES[0]).toBe("switcher.cjs");
    expect(SWITCHER_FILES).toContain("usr/linux");
    expect(SWITCHER_FILES.at(-1)).toBe("node.squashfs");
  });

  it("consumes dom0's rootfs and its pruned tree; hashes the bundle's sources", () => {
    expect(switcherMedium.consumes).toEqual(["rootfs", "dom0"]);
    expect(switcherMedium.tools).toEqual(["tar", "mksquashfs"]);
    const inputs = switcherMedium.inputs(switcherMedium.options.parse({ epoch: 0 }));
    expect(inputs.some((p) => p.endsWith("src/switcher"))).toBe(true);
    expect(inputs.some((p) => p.endsWith("src/dom0"))).toBe(true);
    expect(inputs.some((p) => p.endsWith("blessed"))).toBe(true);
  });
});
