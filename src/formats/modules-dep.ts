/**
 * Kernel module indexes as depmod writes them under lib/modules/<kver>/: `modules.dep` lines are
 * `kernel/path/a.ko: kernel/path/b.ko kernel/path/c.ko`, `modules.builtin` lists one path per line.
 * Paths are relative to the kernel's module directory.
 */

/** `kernel/drivers/xen/xen-evtchn.ko.xz` → `xen_evtchn` (modprobe treats '-' and '_' alike). */
export function moduleName(path: string): string {
  const base = path.slice(path.lastIndexOf("/") + 1);
  return base.replace(/\.ko(\.(xz|zst|gz))?$/, "").replace(/-/g, "_");
}

export function parseModulesDep(text: string): Map<string, string[]> {
  const deps = new Map<string, string[]>();
  for (const line of text.split("\n")) {
    const colon = line.indexOf(":");
    if (colon <= 0) continue;
    const rest = line.slice(colon + 1).trim();
    deps.set(line.slice(0, colon).trim(), rest ? rest.split(/\s+/) : []);
  }
  return deps;
}

export interface ModuleClosure {
  /** Module files to keep (paths as in modules.dep), the wanted ones and everything they depend on. */
  keep: Set<string>;
  /** Wanted names that are built into the kernel (nothing to keep, modprobe succeeds anyway). */
  builtin: string[];
  /** Wanted names that are neither a module nor built in. */
  missing: string[];
}

/** The wanted modules plus their dependencies, transitively. */
export function moduleClosure(
  depText: string,
  builtinText: string,
  wanted: readonly string[],
): ModuleClosure {
  const deps = parseModulesDep(depText);
  const byName = new Map<string, string>();
  for (const path of deps.keys()) byName.set(moduleName(path), path);
  const builtins = new Set(builtinText.split("\n").filter(Boolean).map(moduleName));
  const keep = new Set<string>();
  const builtin: string[] = [];
  const missing: string[] = [];
  const visit = (path: string) => {
    if (keep.has(path)) return;
    keep.add(path);
    for (const d of deps.get(path) ?? []) visit(d);
  };
  for (const w of wanted) {
    const name = moduleName(w);
    const path = byName.get(name);
    if (path) visit(path);
    else if (builtins.has(name)) builtin.push(w);
    else missing.push(w);
  }
  return { keep, builtin, missing };
}
