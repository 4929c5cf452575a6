import { createHash } from "node:crypto";
import { mkdir, mkdtemp, readdir, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { fetchMirrorIndex } from "../../src/lock/mirror-index.ts";
import pool from "../../src/stages/pool.ts";
import { runStage } from "../helpers/stage-ctx.ts";
import { tarOf } from "../helpers/tars.ts";

const MIRROR = "/etc/apt/sources.list.d/debian.sources";

describe("pool stage with a mirror (real apt-get)", () => {
  it("downloads an installed package's .deb the cache lacks, checked against the mirror's hash", async () => {
    const dir = await mkdtemp(join(tmpdir(), "livedeck-pool-fetch-"));
    const store = join(dir, "store");
    const debs = join(store, "debs");
    await mkdir(debs, { recursive: true });
    // the mirror's current hello, as a root filesystem would have it installed
    const index = await fetchMirrorIndex(store, MIRROR);
    const key = [...index.available.keys()].find((k) => k.startsWith("hello:amd64="))!;
    const version = key.slice("hello:amd64=".length);
    const status = `Package: hello\nStatus: install ok installed\nArchitecture: amd64\nVersion: ${version}\nDescription: hello\n`;
    const root = join(dir, "root");
    await mkdir(root);
    await writeFile(join(root, "rootfs.tar"), await tarOf([{ name: "./var/lib/dpkg/status", body: status }]));

    const r = await runStage(
      pool,
      { suite: "bookworm", epoch: 1735689600, roots: ["x"], mirror: MIRROR },
      { dir, debs, inputs: { "rootfs:x": root } },
    );
    expect(r.report).toMatchObject({ packages: 1, missing: 0 });
    const deb = `hello_${version}_amd64.deb`;
    expect(await readdir(join(r.out, "pool"))).toContain(deb);
    expect(
      createHash("sha256")
        .update(await readFile(join(debs, deb)))
        .digest("hex"),
    ).toBe(index.available.get(key));
  });
});
