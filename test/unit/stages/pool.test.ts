import { createHash } from "node:crypto";
import { mkdir, mkdtemp, readFile, readdir, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import pool, { PoolOptions } from "../../../src/stages/pool.ts";
import { runStage } from "../../helpers/stage-ctx.ts";
import { tarOf } from "../../helpers/tars.ts";

const status = (pkgs: [string, string][]) =>
  pkgs
    .map(
      ([n, v]) =>
        `Package: ${n}\nStatus: install ok installed\nArchitecture: amd64\nVersion: ${v}\nDescription: ${n}\n`,
    )
    .join("\n");

describe("pool stage", () => {
  it("pools each installed package of every root once, from the download cache, with Packages and Release", async () => {
    const dir = await mkdtemp(join(tmpdir(), "livedeck-pool-"));
    const roots: Record<string, string> = {};
    const trees = {
      jeos: [
        ["a", "1.0"],
        ["b", "1:2.0"],
      ],
      server: [
        ["a", "1.0"],
        ["c", "3"],
        ["essential", "9"],
      ],
    } as const;
    for (const [name, pkgs] of Object.entries(trees)) {
      const d = join(dir, name);
      await mkdir(d);
      const tar = await tarOf([
        { name: "./var/lib/dpkg/status", body: status(pkgs.map(([n, v]) => [n, v])) },
      ]);
      await writeFile(join(d, "rootfs.tar"), tar);
      roots[`rootfs:${name}`] = d;
    }
    const debs = join(dir, "debs");
    await mkdir(debs);
    for (const f of ["a_1.0_amd64.deb", "b_1%3a2.0_amd64.deb", "c_3_amd64.deb", "unrelated_1_amd64.deb"])
      await writeFile(join(debs, f), f);

    const r = await runStage(
      pool,
      { suite: "bookworm", epoch: 1735689600, roots: ["jeos", "server"] },
      { dir, debs, inputs: roots },
    );
    expect(r.report).toEqual({
      packages: 3,
      bytes: "a_1.0_amd64.deb".length + "b_1%3a2.0_amd64.deb".length + "c_3_amd64.deb".length,
      missing: 1,
    });
    const out = join(r.out, "pool");
    expect((await readdir(out)).sort()).toEqual([
      "Packages",
      "Release",
      "a_1.0_amd64.deb",
      "b_1%3a2.0_amd64.deb",
      "c_3_amd64.deb",
    ]);
    const index = await readFile(join(out, "Packages"), "utf8");
    expect(index.match(/^Package: .*$/gm)).toEqual(["Package: a", "Package: b", "Package: c"]);
    expect(index).toContain(
      `Filename: ./b_1%3a2.0_amd64.deb\nSize: 19\nSHA256: ${createHash("sha256").update("b_1%3a2.0_amd64.deb").digest("hex")}`,
    );
    const release = await readFile(join(out, "Release"), "utf8");
    expect(release).toContain(
      ` ${createHash("sha256").update(index).digest("hex")} ${String(index.length).padStart(8)} Packages`,
    );
    expect(r.log.join("\n")).toMatch(
      /1 installed packages are not in the download cache \(left out\): essential_9_amd64.deb/,
    );
  });

  it("declares no fixed roles (one rootfs:<flavour> per root), tools or input files", () => {
    expect(pool.consumes).toEqual([]);
    expect(pool.tools).toEqual([]);
    expect(pool.inputs({ suite: "bookworm", epoch: 0, roots: ["a"] })).toEqual([]);
  });

  it.each([
    ["no roots", { roots: [] }, ["roots"], "at least 1"],
    ["a root that is not a flavour name", { roots: ["../x"] }, ["roots", 0], "Invalid"],
    ["an unknown key", { mirrors: "x" }, [], "Unrecognized key(s) in object: 'mirrors'"],
  ])("rejects %s", (_, patch, path, message) => {
    const r = PoolOptions.safeParse({ suite: "bookworm", epoch: 0, roots: ["jeos"], ...patch });
    expect(r.success).toBe(false);
    expect(r.error!.issues[0]!.path).toEqual(path);
    expect(r.error!.issues[0]!.message).toContain(message);
  });
});
