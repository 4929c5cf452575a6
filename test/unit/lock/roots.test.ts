import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadDeck } from "../../../src/deck/load.ts";
import type { LockFile } from "../../../src/lock/lock-file.ts";
import { applyLock, checkAgainstMirror, lockStatus, rootOf } from "../../../src/lock/roots.ts";
import { planSteps } from "../../../src/pipeline/plan.ts";
import { resolveIds } from "../../../src/pipeline/resolve.ts";
import { ROOT } from "../../helpers/cli.ts";

const SETTINGS = { mirror: "/etc/hostname", epoch: 1735689600, append: "" };
const sha = (c: string) => c.repeat(64);
const pkg = (name: string, version = "1.0", c = "a") => ({ name, version, arch: "amd64", sha256: sha(c) });

async function plan() {
  return planSteps(await loadDeck(join(ROOT, "flavours/demo.deck.yaml")), SETTINGS);
}

function lockFor(steps: Awaited<ReturnType<typeof plan>>): LockFile {
  const roots: LockFile["roots"] = {};
  for (const st of steps) {
    const r = rootOf(st);
    if (r)
      roots[r] = {
        requested: [...(st.options as { packages: string[] }).packages],
        packages: [pkg("base-files"), pkg(`only-${r}`)],
      };
  }
  return { lock: 1, suite: "bookworm", architecture: "amd64", epoch: 1735689600, release: [], roots };
}

describe("lock against the plan", () => {
  it("names the roots: dom0, the shared base, each flavour's layer, the installer's tools and the install roots", async () => {
    const roots = (await plan()).map(rootOf).filter(Boolean);
    expect(roots).toEqual(["dom0", "guest-base", "jeos", "server", "dom0+installer", "jeos+install", "jeos+install+xen", "server+install", "server+install+xen"]);
  });

  it("without a lock every root is new; with a full one every root is locked", async () => {
    const steps = await plan();
    expect(lockStatus(steps, null).roots.map((r) => r.state)).toEqual(Array(9).fill("new"));
    const s = lockStatus(steps, lockFor(steps));
    expect(s.roots.every((r) => r.state === "locked" && !r.stale.length)).toBe(true);
    expect(s.staleRoots).toEqual([]);
  });

  it("reports stale entries (asked for no more), stale roots, and packages the lock lacks", async () => {
    const steps = await plan();
    const lock = lockFor(steps);
    lock.roots.jeos!.requested.push("emacs");
    lock.roots.gone = { requested: [], packages: [] };
    lock.roots.server!.requested = lock.roots.server!.requested.slice(1);
    const s = lockStatus(steps, lock);
    expect(s.staleRoots).toEqual(["gone"]);
    expect(s.roots.find((r) => r.root === "jeos")).toMatchObject({ state: "locked", stale: ["emacs"] });
    const server = s.roots.find((r) => r.root === "server")!;
    expect(server.state).toBe("incomplete");
    expect(server.added).toHaveLength(1);
  });

  it("a lock edit changes the ids of exactly the steps built on that root", async () => {
    const steps = await plan();
    const lock = lockFor(steps);
    const ids = async (l: LockFile | null) =>
      new Map((await resolveIds(applyLock(steps, l), { mmdebstrap: "1" })).map((s) => [s.key, s.id]));
    const unlocked = await ids(null);
    const a = await ids(lock);
    // the lock feeds every root's id; steps that install nothing keep theirs
    expect(a.get("rootfs:dom0")).not.toBe(unlocked.get("rootfs:dom0"));
    expect(a.get("menu")).toBe(unlocked.get("menu"));
    const edited = structuredClone(lock);
    edited.roots.jeos!.packages[1]!.version = "1.1";
    const b = await ids(edited);
    const changed = [...a.keys()].filter((k) => a.get(k) !== b.get(k));
    expect(changed).toEqual([
      "layer:jeos",
      "squashfs:jeos",
      "layer:server",
      "script:server",
      "squashfs:server",
      "pool",
      "layer:jeos+install",
      "squashfs:jeos+install",
      "layer:jeos+install+xen",
      "squashfs:jeos+install+xen",
      "layer:server+install",
      "squashfs:server+install",
      "layer:server+install+xen",
      "squashfs:server+install+xen",
      "guests-medium",
      "iso:prime",
      "prime:intel",
      "prime:amd",
      "iso",
    ]);
  });

  it("leaves roots being re-resolved unpinned", async () => {
    const steps = await plan();
    const out = applyLock(steps, lockFor(steps), new Set(["jeos"]));
    const locked = (k: string) => (out.find((s) => s.key === k)!.options as { locked?: unknown[] }).locked;
    expect(locked("layer:jeos")).toBeUndefined();
    expect(locked("layer:server")).toHaveLength(2);
  });

  it("lists locked versions the mirror lacks and hashes that differ", () => {
    const available = new Map([
      ["base-files:amd64=1.0", sha("a")],
      ["zstd:amd64=1.0", sha("f")],
    ]);
    const r = checkAgainstMirror(
      [{ root: "dom0", packages: [pkg("base-files"), pkg("zstd"), pkg("xen-utils-4.17", "4.17.5")] }],
      { available },
    );
    expect(r.missing).toEqual(["xen-utils-4.17=4.17.5 (amd64, root dom0)"]);
    expect(r.wrongHash).toHaveLength(1);
    expect(r.wrongHash[0]).toMatch(
      /^zstd=1.0 \(amd64, root dom0\): lock aaaaaaaaaaaa…, mirror ffffffffffff…$/,
    );
  });
});
