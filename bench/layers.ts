import { execa } from "execa";
import { mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { tarExtractArgv } from "../src/formats/tar-argv.ts";
import { mksquashfsArgv, SquashfsOptions } from "../src/stages/squashfs.ts";
import { ROOT, timed } from "./run.ts";

interface PlanStep {
  key: string;
  stage: string;
  id: string;
  consumes: Record<string, string>;
}

const mib = (b: number) => `${(b / 2 ** 20).toFixed(1).padStart(7)} MiB`;

/**
 * Issue 5's size figure: the layered medium (shared base + one delta per flavour, each once) against
 * one full squashfs per Debian flavour, same mksquashfs options, measured from one build's store.
 * `npm run bench -- layers [deck] [store]` (default: the default deck in .store-bench-layers).
 */
export async function benchLayers(): Promise<void> {
  const deck = process.argv[3] ?? join(ROOT, "flavours/demo.deck.yaml");
  const store = process.argv[4] ?? join(ROOT, ".store-bench-layers");
  const tmp = await mkdtemp(join(tmpdir(), "livedeck-bench-layers-"));
  try {
    const build = await timed(["build", deck, "--store", store, "--out", join(tmp, "out")]);
    const iso = (build.json as { outputs: { format: string; path: string }[] }).outputs.find(
      (o) => o.format === "iso",
    )!;
    const plan = (await timed(["plan", deck, "--store", store])).json as { steps: PlanStep[] };
    const obj = (key: string) => join(store, "objects", plan.steps.find((s) => s.key === key)!.id, "out");

    let layered = 0;
    console.log(`layer sizes (${deck}, one run)`);
    for (const s of plan.steps.filter((x) => x.stage === "squashfs")) {
      const bytes = (await stat(join(obj(s.key), "layer.squashfs"))).size;
      layered += bytes;
      console.log(`  ${s.key.padEnd(34)} ${mib(bytes)}`);
    }
    // Each Debian flavour's full tree is what the pool reads: its top step's rootfs.tar.
    const tops = plan.steps.find((s) => s.key === "pool")?.consumes ?? {};
    let flat = 0;
    for (const [role, key] of Object.entries(tops)) {
      const tree = join(tmp, role.replace(/[:/]/g, "_"));
      const image = `${tree}.squashfs`;
      await execa("mkdir", ["-p", tree]);
      const [tar, ...targs] = tarExtractArgv(join(obj(key), "rootfs.tar"), tree);
      await execa(tar!, targs);
      const [mk, ...margs] = mksquashfsArgv(SquashfsOptions.parse({ which: "rootfs", epoch: 0 }), {
        tree,
        image,
      });
      await execa(mk!, margs);
      const bytes = (await stat(image)).size;
      flat += bytes;
      console.log(`  flat ${role.replace("rootfs:", "").padEnd(29)} ${mib(bytes)}`);
      await rm(tree, { recursive: true, force: true });
    }
    const isoBytes = (await stat(iso.path)).size;
    console.log(`layered images, each once                ${mib(layered)}`);
    console.log(`one full squashfs per flavour            ${mib(flat)}`);
    console.log(`layered / flat (goal ≤ 0.6×)             ${(layered / flat).toFixed(3)}×`);
    console.log(`ISO layered                              ${mib(isoBytes)}`);
    console.log(
      `ISO with flat images instead             ${mib(isoBytes - layered + flat)}  (${(isoBytes / (isoBytes - layered + flat)).toFixed(3)}×)`,
    );
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}
