import type { ResolvedStep } from "../pipeline/resolve.ts";
import type { Store } from "../pipeline/store.ts";
import { exec } from "../tools/exec.ts";

/**
 * After a build wrote the lock, each step's id changes (the lock feeds the ids) though its output
 * would not: the locked versions are the ones just installed, and every stage is deterministic.
 * So each such object is entered again under its new id (hard links, no copy), and the next build
 * is a no-op instead of a rebuild. Only objects of this build's own steps are adopted.
 */
export async function adoptIds(
  store: Store,
  before: readonly ResolvedStep[],
  after: readonly ResolvedStep[],
): Promise<string[]> {
  const old = new Map(before.map((s) => [s.key, s.id]));
  const adopted: string[] = [];
  for (const st of after) {
    const from = old.get(st.key);
    if (!from || from === st.id || (await store.has(st.id)) || !(await store.has(from))) continue;
    const info = (await store.info(from))!;
    const tmp = await store.begin();
    try {
      await exec(["cp", "-al", "--", `${store.outDir(from)}/.`, `${tmp}/out/`], { stage: "lock" });
      await store.commit(tmp, { ...info, id: st.id, key: st.key });
    } catch (e) {
      await store.discard(tmp);
      throw e;
    }
    adopted.push(st.key);
  }
  return adopted;
}
