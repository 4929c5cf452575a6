import { describe, expect, it } from "vitest";
import { tarExtractArgv, tarPackArgv } from "../../../src/formats/tar-argv.ts";

describe("tar argv", () => {
  it("unpacks as root keeping owners, modes, devices and every xattr (capabilities, whiteouts)", () => {
    expect(tarExtractArgv("/in/delta.tar", "/o/tree")).toEqual([
      "tar",
      "--extract",
      "--file=/in/delta.tar",
      "--directory=/o/tree",
      "--numeric-owner",
      "--same-owner",
      "--same-permissions",
      "--xattrs",
      "--xattrs-include=*",
    ]);
  });

  it("packs like mmdebstrap: sorted, mtimes clamped to the epoch, numeric owners, xattrs, one filesystem", () => {
    expect(tarPackArgv("/o/root", "/o/rootfs.tar", 42)).toEqual([
      "tar",
      "--create",
      "--file=/o/rootfs.tar",
      "--directory=/o/root",
      "--sort=name",
      "--mtime=@42",
      "--clamp-mtime",
      "--numeric-owner",
      "--one-file-system",
      "--format=pax",
      "--pax-option=exthdr.name=%d/PaxHeaders/%f,delete=atime,delete=ctime",
      "--xattrs",
      ".",
    ]);
  });
});
