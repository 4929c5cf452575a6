import { randomBytes } from "node:crypto";
import { link, mkdir, readFile, readdir, rename, rm, stat, writeFile } from "node:fs/promises";
import { homedir } from "node:os";
import { join } from "node:path";
import { UserError } from "../errors.ts";

/** What is recorded beside each artifact. */
export interface ObjectInfo {
  id: string;
  key: string;
  stage: string;
  created: string;
  seconds: number;
  report: Record<string, string | number>;
}

export function defaultStoreDir(): string {
  const cache = process.env.XDG_CACHE_HOME || join(homedir(), ".cache");
  return join(cache, "livedeck");
}

/**
 * Content-addressed store (osbuild's fscache idea): objects/<id>/{out/,info.json}. A step builds in
 * tmp/<random>/ and is renamed into objects/ only when complete, so a named object is trusted and a
 * tmp dir never is.
 */
export class Store {
  constructor(readonly root: string) {}

  objectDir(id: string): string {
    return join(this.root, "objects", id);
  }
  outDir(id: string): string {
    return join(this.objectDir(id), "out");
  }
  get debCache(): string {
    return join(this.root, "debs");
  }

  async has(id: string): Promise<boolean> {
    try {
      return (await stat(join(this.objectDir(id), "info.json"))).isFile();
    } catch {
      return false;
    }
  }

  async info(id: string): Promise<ObjectInfo | null> {
    try {
      return JSON.parse(await readFile(join(this.objectDir(id), "info.json"), "utf8")) as ObjectInfo;
    } catch {
      return null;
    }
  }

  async init(): Promise<void> {
    await mkdir(join(this.root, "objects"), { recursive: true });
    await mkdir(join(this.root, "tmp"), { recursive: true });
    await mkdir(this.debCache, { recursive: true });
  }

  /** A fresh temp dir for one step; its out/ is what the stage writes. */
  async begin(): Promise<string> {
    const dir = join(this.root, "tmp", `${Date.now()}-${randomBytes(4).toString("hex")}`);
    await mkdir(join(dir, "out"), { recursive: true });
    return dir;
  }

  /** Makes a finished temp dir the object for `id`: info.json first, then one rename. */
  async commit(tmp: string, info: ObjectInfo): Promise<void> {
    await writeFile(join(tmp, "info.json"), JSON.stringify(info, null, 2) + "\n");
    const dest = this.objectDir(info.id);
    await rm(dest, { recursive: true, force: true });
    await rename(tmp, dest);
  }

  async discard(tmp: string): Promise<void> {
    await rm(tmp, { recursive: true, force: true });
  }

  async list(): Promise<ObjectInfo[]> {
    let ids: string[] = [];
    try {
      ids = await readdir(join(this.root, "objects"));
    } catch {
      return [];
    }
    const infos = await Promise.all(ids.map((id) => this.info(id)));
    return infos.filter((i): i is ObjectInfo => i !== null);
  }

  /**
   * Removes leftover temp dirs (from killed builds) and every object not in `keep`. A temp dir that
   * still holds a mount (a chroot whose tool is still running or died uncleanly) is left alone:
   * `rm -r` must never walk into a mounted /proc or /dev.
   */
  async gc(keep: ReadonlySet<string>): Promise<{ removed: string[]; tmp: number; busy: string[] }> {
    const tmps = await readdir(join(this.root, "tmp")).catch(() => [] as string[]);
    const mounts = await mountPoints();
    const busy = tmps.map((t) => join(this.root, "tmp", t)).filter((d) => mounts.some((m) => m === d || m.startsWith(`${d}/`)));
    await Promise.all(
      tmps.map((t) => join(this.root, "tmp", t)).filter((d) => !busy.includes(d)).map((d) => rm(d, { recursive: true, force: true })),
    );
    const removed: string[] = [];
    for (const o of await this.list()) {
      if (!keep.has(o.id)) {
        await rm(this.objectDir(o.id), { recursive: true, force: true });
        removed.push(o.id);
      }
    }
    return { removed, tmp: tmps.length - busy.length, busy };
  }

  /**
   * One build at a time per store: an O_EXCL lock file holding our pid; a lock whose pid is gone is
   * stale (a killed build) and is taken over.
   */
  async lock(): Promise<() => Promise<void>> {
    await this.init();
    const file = join(this.root, "lock");
    // The pid is written to a private file first and hard-linked into place: link() is atomic and
    // fails if the lock exists, so a lock file is never seen empty.
    const mine = join(this.root, "tmp", `lock-${process.pid}-${randomBytes(4).toString("hex")}`);
    await writeFile(mine, String(process.pid));
    try {
      for (let attempt = 0; attempt < 3; attempt++) {
        try {
          await link(mine, file);
          return () => rm(file, { force: true });
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
          const pid = Number((await readFile(file, "utf8").catch(() => "")).trim());
          if (pid && isAlive(pid)) {
            throw new UserError(`store ${this.root} is in use by another build (pid ${pid})`, "wait for it to finish, or use --store DIR");
          }
          await rm(file, { force: true });
        }
      }
      throw new UserError(`cannot lock store ${this.root}`, "remove its lock file if no build is running");
    } finally {
      await rm(mine, { force: true });
    }
  }
}

/** Every mount point on this machine (from /proc/self/mountinfo; octal escapes decoded). */
export async function mountPoints(): Promise<string[]> {
  const text = await readFile("/proc/self/mountinfo", "utf8").catch(() => "");
  return text
    .split("\n")
    .filter(Boolean)
    .map((l) => l.split(" ")[4]!.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8))));
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}
