import { mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { install } from "../src/install/install.ts";
import { EXPORT_PASSWORD_HASH } from "../src/stages/disk.ts";
import { ROOT, timed } from "./run.ts";

interface Built {
  steps: { key: string; id: string; cached: boolean; seconds: number }[];
  outputs: { format: string; path: string }[];
}
const mib = (b: number) => `${(b / 2 ** 20).toFixed(0).padStart(6)} MiB`;

/**
 * Issues 8 and 9's figures, one run: jeos installed to a raw image (the `raw:jeos` step, and the
 * installer called directly for its steps and the time to its first progress report), the
 * installed size, and each export format's conversion time and file size.
 * `npm run bench -- install [deck] [store]` (default: the default deck in .store-test).
 */
export async function benchInstall(): Promise<void> {
  const deck = process.argv[3] ?? join(ROOT, "flavours/demo.deck.yaml");
  const store = process.argv[4] ?? join(ROOT, ".store-test");
  const tmp = await mkdtemp(join(tmpdir(), "livedeck-bench-install-"));
  try {
    const steps = new Map<string, Built["steps"][number]>();
    const files = new Map<string, string>();
    for (const fmt of ["qcow2", "vmdk", "vdi"]) {
      const args = [
        "build",
        deck,
        "--store",
        store,
        "--out",
        join(tmp, "out"),
        "--format",
        "raw",
        fmt,
        "--stop-after",
        `${fmt}:jeos`,
      ];
      const b = (await timed(args)).json as Built;
      for (const s of b.steps) if (!steps.has(s.key) || !s.cached) steps.set(s.key, s);
      for (const o of b.outputs) files.set(o.format, o.path);
    }
    const root = steps.get("layer:jeos+install")!;
    const raw = steps.get("raw:jeos")!;
    console.log(
      `jeos install root (layer:jeos+install): ${root.cached ? "cached" : `${root.seconds.toFixed(1)} s`}`,
    );
    console.log(
      `raw:jeos step (install into a 4 GiB raw image): ${raw.cached ? "cached" : `${raw.seconds.toFixed(1)} s`}`,
    );

    // The installer itself, as dom0's broker calls it: time to the first progress report, each step.
    const t0 = performance.now();
    let first = 0;
    const image = join(tmp, "jeos.img");
    const r = await install(
      {
        flavour: "jeos",
        hostname: "jeos",
        user: "livedeck",
        passwordHash: EXPORT_PASSWORD_HASH,
        withXen: false,
        target: { kind: "image", path: image, sizeBytes: 4 * 2 ** 30 },
      },
      {
        source: { kind: "tar", path: join(store, "objects", root.id, "out", "rootfs.tar") },
        workDir: tmp,
        onProgress: () => (first ||= performance.now() - t0),
      },
    );
    const total = (performance.now() - t0) / 1000;
    if (!r.ok) throw new Error(`install failed at ${r.step}: ${r.message}`);
    console.log(`install (direct): ${total.toFixed(1)} s, first progress after ${first.toFixed(0)} ms`);
    console.log(
      `  steps: ${Object.entries(r.seconds)
        .map(([k, v]) => `${k} ${v!.toFixed(1)} s`)
        .join(", ")}`,
    );
    const rawBytes = (await stat(image)).blocks * 512;
    console.log(
      `installed size: ${mib(r.rootUsedBytes)} on root; raw image ${mib(rawBytes)} allocated of 4096 MiB`,
    );
    console.log("export per format (from the raw:jeos step's image):");
    for (const fmt of ["qcow2", "vmdk", "vdi"]) {
      const s = steps.get(`${fmt}:jeos`)!;
      const bytes = (await stat(files.get(fmt)!)).size;
      console.log(
        `  ${fmt.padEnd(6)} ${s.cached ? "cached" : `${s.seconds.toFixed(1).padStart(6)} s`}  ${mib(bytes)}  (${(bytes / rawBytes).toFixed(3)}× the raw allocation)`,
      );
    }
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}
