import { describe, expect, it } from "vitest";
import { vmxPathFor, vmxText } from "../../../src/formats/vmx.ts";

describe("vmxText", () => {
  const text = vmxText({ displayName: "demo-jeos", vmdk: "demo-jeos.vmdk", memoryMiB: 1024, cpus: 2 });
  const entries = Object.fromEntries(
    text
      .trimEnd()
      .split("\n")
      .map((l) => /^([\w.:]+) = "(.*)"$/.exec(l)!.slice(1, 3) as [string, string]),
  );

  it("names the disk beside it on a SATA controller, UEFI firmware, memory and CPUs", () => {
    expect(entries["sata0:0.fileName"]).toBe("demo-jeos.vmdk");
    expect(entries["sata0.present"]).toBe("TRUE");
    expect(entries.firmware).toBe("efi");
    expect(entries.memsize).toBe("1024");
    expect(entries.numvcpus).toBe("2");
    expect(entries.displayName).toBe("demo-jeos");
    expect(entries["ethernet0.connectionType"]).toBe("nat");
  });

  it("is one `key = \"value\"` per line, ending in a newline", () => {
    expect(text.endsWith("\n")).toBe(true);
    for (const l of text.trimEnd().split("\n")) expect(l).toMatch(/^[\w.:]+ = "[^"]*"$/);
  });

  it("escapes quotes and bars the way VMware reads them", () => {
    const t = vmxText({ displayName: 'a "b" | c', vmdk: "x.vmdk", memoryMiB: 512, cpus: 1 });
    expect(t).toContain('displayName = "a |22b|22 |7C c"');
  });

  it("puts the .vmx beside the vmdk", () => {
    expect(vmxPathFor("/out/demo-jeos.vmdk")).toBe("/out/demo-jeos.vmx");
  });
});
