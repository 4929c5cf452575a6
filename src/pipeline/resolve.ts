import { basename, relative } from "node:path";
import { UserError } from "../errors.ts";
import { TOOLS } from "../tools/registry.ts";
import { hashPath, stepId } from "./ids.ts";
import { PROJECT_ROOT, type Step } from "./plan.ts";

export interface ResolvedStep extends Step {
  id: string;
}

/** A stable name for an input file in the id: relative to the project, else its base name. */
function inputName(path: string): string {
  const rel = relative(PROJECT_ROOT, path);
  return rel.startsWith("..") ? basename(path) : rel;
}

/** Ids for every step, in order, each chained from the ids of what it consumes. */
export async function resolveIds(steps: readonly Step[], toolVersions: Record<string, string>): Promise<ResolvedStep[]> {
  const ids = new Map<string, string>();
  const out: ResolvedStep[] = [];
  for (const st of steps) {
    const files: Record<string, string> = {};
    for (const p of st.stage.inputs(st.options)) {
      try {
        files[inputName(p)] = await hashPath(p);
      } catch {
        throw new UserError(`${st.key}: input file missing: ${p}`, "restore the file or fix the deck");
      }
    }
    const consumes: Record<string, string> = {};
    for (const [role, key] of Object.entries(st.consumes)) {
      const id = ids.get(key);
      if (!id) throw new Error(`plan order: ${st.key} consumes ${key} before it is planned`);
      consumes[role] = id;
    }
    const tools: Record<string, string> = {};
    for (const t of st.stage.tools) tools[TOOLS[t].pkg] = toolVersions[TOOLS[t].pkg] ?? "missing";
    const id = stepId({ stage: st.stage.name, version: st.stage.version, options: st.options, files, consumes, tools });
    ids.set(st.key, id);
    out.push({ ...st, id });
  }
  return out;
}
