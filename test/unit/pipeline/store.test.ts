import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { UserError } from "../../../src/errors.ts";
import { Store, type ObjectInfo } from "../../../src/pipeline/store.ts";

const info = (id: string, key = `k-${id}`): ObjectInfo => ({
  id,
  key,
  stage: "rootfs",
  created: "2024-01-01T00:00:00.000Z",
  seconds: 1.5,
  report: { size: 42 },
});

let root = "";
let store: Store;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), "livedeck-store-"));
  store = new Store(root);
  await store.init();
});
afterEach(() => rm(root, { recursive: true, force: true }));

/** Builds an object the way the runner does: begin, write into out/, commit. */
async function put(id: string): Promise<void> {
  const tmp = await store.begin();
  await writeFile(join(tmp, "out", "file"), `content of ${id}`);
  await store.commit(tmp, info(id));
}

describe("Store objects", () => {
  it("begin gives a fresh temp dir with out/, not an object", async () => {
    const a = await store.begin();
    const b = await store.begin();
    expect(a).not.toBe(b);
    expect(await readdir(a)).toEqual(["out"]);
    expect(a.startsWith(join(root, "tmp"))).toBe(true);
    expect(await store.list()).toEqual([]);
  });

  it("commit makes an object that has, info and list see, with its out/ intact", async () => {
    expect(await store.has("aaa")).toBe(false);
    expect(await store.info("aaa")).toBeNull();
    await put("aaa");
    expect(await store.has("aaa")).toBe(true);
    expect(await store.info("aaa")).toEqual(info("aaa"));
    expect(await readFile(join(store.outDir("aaa"), "file"), "utf8")).toBe("content of aaa");
    expect(await store.list()).toEqual([info("aaa")]);
    expect(await readdir(join(root, "tmp"))).toEqual([]);
  });

  it("a second commit of the same id replaces the object", async () => {
    await put("aaa");
    const tmp = await store.begin();
    await writeFile(join(tmp, "out", "other"), "new");
    await store.commit(tmp, info("aaa", "second"));
    expect(await readdir(store.outDir("aaa"))).toEqual(["other"]);
    expect((await store.info("aaa"))?.key).toBe("second");
  });

  it("a temp dir left behind by a killed build is never trusted", async () => {
    const tmp = await store.begin();
    await writeFile(join(tmp, "out", "half"), "half");
    await writeFile(join(tmp, "info.json"), JSON.stringify(info("bbb")));
    expect(await store.has("bbb")).toBe(false);
    expect(await store.list()).toEqual([]);
  });

  it("an object dir without info.json is not has", async () => {
    await mkdir(store.outDir("ccc"), { recursive: true });
    expect(await store.has("ccc")).toBe(false);
    expect(await store.info("ccc")).toBeNull();
  });

  it("discard removes a temp dir", async () => {
    const tmp = await store.begin();
    await store.discard(tmp);
    expect(await readdir(join(root, "tmp"))).toEqual([]);
  });

  it("gc removes temp dirs and every object not kept", async () => {
    await put("keep1");
    await put("drop1");
    await put("drop2");
    await store.begin();
    await store.begin();
    const r = await store.gc(new Set(["keep1"]));
    expect(r.removed.sort()).toEqual(["drop1", "drop2"]);
    expect(r.tmp).toBe(2);
    expect((await store.list()).map((o) => o.id)).toEqual(["keep1"]);
    expect(await store.has("drop1")).toBe(false);
    expect(await readdir(join(root, "tmp"))).toEqual([]);
  });

  it("list and gc of a store that was never initialised are empty", async () => {
    const empty = new Store(join(root, "nothing-here"));
    expect(await empty.list()).toEqual([]);
    expect(await empty.gc(new Set())).toEqual({ removed: [], tmp: 0, busy: [] });
  });
});

describe("Store.lock", () => {
  const children: ChildProcess[] = [];
  afterEach(() => {
    for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill();
  });
  const lockFile = () => join(root, "lock");

  it("writes our pid and removes the file on release", async () => {
    const release = await store.lock();
    expect(await readFile(lockFile(), "utf8")).toBe(String(process.pid));
    await release();
    expect(await readdir(root)).not.toContain("lock");
  });

  it("refuses while a live process holds the lock", async () => {
    const child = spawn("sleep", ["30"], { stdio: "ignore" });
    children.push(child);
    await once(child, "spawn");
    await writeFile(lockFile(), String(child.pid));
    const err = await store.lock().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    expect((err as UserError).message).toBe(`store ${root} is in use by another build (pid ${child.pid})`);
    expect((err as UserError).hint).toContain("--store DIR");
    expect(await readFile(lockFile(), "utf8")).toBe(String(child.pid));
  });

  it("takes over a stale lock whose pid is gone", async () => {
    const child = spawn("true", [], { stdio: "ignore" });
    await once(child, "exit");
    await writeFile(lockFile(), String(child.pid));
    const release = await store.lock();
    expect(await readFile(lockFile(), "utf8")).toBe(String(process.pid));
    await release();
  });

  it("takes over a lock file that holds no pid", async () => {
    await writeFile(lockFile(), "garbage");
    const release = await store.lock();
    expect(await readFile(lockFile(), "utf8")).toBe(String(process.pid));
    await release();
  });
});
