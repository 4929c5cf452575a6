import { describe, expect, it } from "vitest";
import {
  checkLockTarget,
  lockPath,
  parseLock,
  writeLock,
  type LockFile,
} from "../../../src/lock/lock-file.ts";

const sha = (c: string) => c.repeat(64);

export const LOCK: LockFile = {
  lock: 1,
  suite: "bookworm",
  architecture: "amd64",
  epoch: 1735689600,
  release: [
    {
      source: "deb.debian.org/debian-security bookworm-security",
      suite: "oldstable-security",
      codename: "bookworm-security",
      date: "Tue, 24 Nov 2026 00:34:33 UTC",
    },
    {
      source: "deb.debian.org/debian bookworm",
      suite: "oldstable",
      codename: "bookworm",
      version: "12.15",
      date: "Sat, 11 Jul 2026 10:16:37 UTC",
    },
  ],
  roots: {
    jeos: {
      requested: ["openssh-server"],
      packages: [{ name: "openssh-server", version: "1:9.2p1-2+deb12u7", arch: "amd64", sha256: sha("c") }],
    },
    dom0: {
      requested: ["xen-utils-4.17", "busybox"],
      packages: [
        { name: "zstd", version: "1.5.4+dfsg2-5", arch: "amd64", sha256: sha("a") },
        { name: "base-files", version: "12.4+deb12u15", arch: "amd64", sha256: sha("b") },
      ],
    },
  },
};

describe("lock file", () => {
  it("lives beside the deck", () => {
    expect(lockPath("/d/flavours/ci.deck.yaml")).toBe("/d/flavours/ci.deck.lock");
  });

  it("round-trips, in a stable order: sorted roots, packages and sources, one package a line", () => {
    const text = writeLock(LOCK, "x.deck.yaml");
    const back = parseLock(text, "x.deck.lock");
    expect(writeLock(back, "x.deck.yaml")).toBe(text);
    expect(back.roots.dom0!.packages.map((p) => p.name)).toEqual(["base-files", "zstd"]);
    expect(back.roots.dom0!.requested).toEqual(["busybox", "xen-utils-4.17"]);
    const lines = text.split("\n");
    expect(lines.indexOf('  "dom0":')).toBeLessThan(lines.indexOf('  "jeos":'));
    expect(lines.filter((l) => l.includes("sha256:"))).toHaveLength(3);
    expect(text).toContain(
      '{name: "openssh-server", version: "1:9.2p1-2+deb12u7", arch: "amd64", sha256: "' + sha("c") + '"}',
    );
    expect(lines.findIndex((l) => l.includes('debian bookworm"'))).toBeLessThan(
      lines.findIndex((l) => l.includes("debian-security")),
    );
  });

  it("writes empty roots and releases as valid YAML", () => {
    const empty = { ...LOCK, release: [], roots: { base: { requested: [], packages: [] } } };
    expect(parseLock(writeLock(empty, "x"), "x.lock")).toEqual(empty);
  });

  it("refuses a hand-edited sha256 that is not one", () => {
    const text = writeLock(LOCK, "x").replace(sha("a"), "abc123");
    expect(() => parseLock(text, "x.lock")).toThrow(
      /x\.lock: roots\.dom0\.packages\.\d\.sha256: must be 64 lowercase hex digits/,
    );
  });

  it("refuses a package locked twice in one root, unknown fields and other formats", () => {
    const twice = writeLock(LOCK, "x").replace('"zstd"', '"base-files"');
    expect(() => parseLock(twice, "x.lock")).toThrow(/locks base-files:amd64 twice/);
    expect(() => parseLock(writeLock(LOCK, "x").replace("lock: 1", "lock: 2"), "x.lock")).toThrow(
      /x\.lock: lock:/,
    );
    expect(() => parseLock("roots: [", "x.lock")).toThrow(/not a lock file/);
  });

  it("refuses a lock from another suite or architecture, naming both", () => {
    expect(() => checkLockTarget(LOCK, { suite: "trixie", architecture: "amd64" }, "x.lock")).toThrow(
      /x\.lock was resolved for suite bookworm, but the deck builds trixie/,
    );
    expect(() => checkLockTarget(LOCK, { suite: "bookworm", architecture: "arm64" }, "x.lock")).toThrow(
      /architecture amd64/,
    );
    expect(() => checkLockTarget(LOCK, { suite: "bookworm", architecture: "amd64" }, "x.lock")).not.toThrow();
  });
});
