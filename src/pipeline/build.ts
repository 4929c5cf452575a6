import { rename, writeFile } from "node:fs/promises";
import { basename, resolve } from "node:path";
import { UserError } from "../errors.ts";
import { lockAfterBuild, lockBeforeBuild, type LockReport } from "../lock/build-lock.ts";
import { readDeckLock } from "../lock/deck-lock.ts";
import { writeManifest } from "../manifest/write.ts";
import { exportFile, exportTree, OUTPUTS, type OutputDef, type OutputName } from "./outputs.ts";
import { vmxPathFor, vmxText } from "../formats/vmx.ts";
import { preflight, prepare } from "./prepare.ts";
import { runSteps, selectRun, type StepResult } from "./runner.ts";

export interface BuildOptions {
  deck: string;
  store?: string;
  outDir: string;
  stopAfter?: string;
  from?: string;
  force?: boolean;
  append?: string;
  /** Overrides the deck's `outputs`. */
  formats?: OutputName[];
  verbose?: boolean;
  /** Refuse to build unless the deck's lock covers it exactly (and never write the lock). */
  locked?: boolean;
  renderer: "tty" | "plain" | "silent";
  signal: AbortSignal;
}

export interface BuildResult {
  deck: string;
  store: string;
  seconds: number;
  steps: StepResult[];
  outputs: { format: OutputName; path: string }[];
  lock: LockReport;
  /** out/<deck>.manifest.json, when the build reached the ISO. */
  manifest?: string;
}

/**
 * The build, top to bottom: deck → plan → preflight → lock → steps → outputs. Everything that can
 * be checked is checked before the first step writes anything.
 */
export async function build(o: BuildOptions): Promise<BuildResult> {
  const started = Date.now();
  const popts = { deck: o.deck, store: o.store, append: o.append, formats: o.formats };
  const prepared = await prepare(popts);
  const { loaded, store } = prepared;
  const formats = o.formats ?? loaded.deck.outputs;
  const { run, forced } = selectRun(prepared.steps, o);
  await preflight(run);

  await store.init();
  const unlock = await store.lock();
  try {
    const index = await lockBeforeBuild(prepared, run, forced, Boolean(o.locked));
    const results = await runSteps(prepared.steps, { ...o, store });
    const { steps, report: lock } = await lockAfterBuild(prepared, { prepare: popts, index });
    const built = new Set(run.map((s) => s.key));
    const outputs: BuildResult["outputs"] = [];
    for (const format of formats) {
      const def: OutputDef = OUTPUTS[format];
      if (def.perFlavour) {
        for (const st of steps.filter((s) => s.key.startsWith(`${def.step}:`) && built.has(s.key))) {
          const name = def.name(loaded.deck.name, st.key.slice(def.step.length + 1));
          const path = await exportFile(`${store.outDir(st.id)}/${def.file}`, resolve(o.outDir), name);
          if (format === "vmdk") await writeVmx(path);
          outputs.push({ format, path });
        }
        continue;
      }
      if (!built.has(def.step)) continue;
      const st = steps.find((s) => s.key === def.step);
      if (!st) throw new UserError(`output ${format}: this deck's plan has no ${def.step} step`);
      const place = def.dir ? exportTree : exportFile;
      const path = await place(
        `${store.outDir(st.id)}/${def.file}`,
        resolve(o.outDir),
        def.name(loaded.deck.name),
      );
      outputs.push({ format, path });
    }
    const iso = built.has("iso") ? steps.find((s) => s.key === "iso") : undefined;
    const manifest = iso
      ? await writeManifest(resolve(o.outDir), store.outDir(iso.id), {
          deck: loaded.deck.name,
          suite: loaded.deck.suite,
          epoch: prepared.epoch,
          steps,
          lock: (await readDeckLock(loaded.file, loaded.deck.suite)).lock,
        })
      : undefined;
    return {
      deck: loaded.file,
      store: store.root,
      seconds: (Date.now() - started) / 1000,
      steps: results,
      outputs,
      lock,
      manifest,
    };
  } finally {
    await unlock();
  }
}

/** VMware opens a vmdk as a VM through a .vmx beside it (written whole, via a temp name). */
async function writeVmx(vmdk: string): Promise<void> {
  const vmx = vmxPathFor(vmdk);
  const text = vmxText({ displayName: basename(vmx, ".vmx"), vmdk: basename(vmdk), memoryMiB: 1024, cpus: 2 });
  await writeFile(`${vmx}.tmp`, text);
  await rename(`${vmx}.tmp`, vmx);
}
