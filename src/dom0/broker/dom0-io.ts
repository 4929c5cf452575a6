import { spawn } from "node:child_process";
import { readFile } from "node:fs/promises";
import type { InstallOptions, InstallRequest, InstallResult } from "../../install/api.ts";
import { sourceBytes } from "../../install/root-tree.ts";
import { readMediumGuests } from "../medium.ts";
import type { Runner } from "../run.ts";
import { Xenstore } from "../xenstore.ts";
import type { BrokerIo } from "./broker.ts";
import { readDiskFacts } from "./disks.ts";
import { installInfo } from "./guest-info.ts";
import { requestDomid, requestPath, statusPath } from "./protocol.ts";

/** Where each install gets its scratch directory (mount points) in dom0's RAM. */
export const INSTALL_WORK_DIR = "/run/livedeck/install";

/** The broker's side effects in the real dom0: xenstore-*, the medium's xl configs, /sys, the installer. */
export function dom0BrokerIo(o: {
  run: Runner;
  mediumDir: string;
  install: (r: InstallRequest, o: InstallOptions) => Promise<InstallResult>;
  log: (line: string) => void;
}): BrokerIo {
  const xs = new Xenstore(o.run);
  return {
    readRequest: (domid) => xs.read(requestPath(domid)),
    removeRequest: (domid) => xs.rm(requestPath(domid)),
    writeStatus: (domid, value) => xs.write(statusPath(domid), value),
    async guestOf(domid) {
      // libxl writes the name; the guest cannot (its home is read-only to it outside data/)
      const name = await xs.read(`/local/domain/${domid}/name`);
      const g = name === null ? undefined : (await readMediumGuests(o.mediumDir)).find((m) => m.name === name);
      if (!g) return null;
      return { name: g.name, info: installInfo(await readFile(g.configPath, "utf8")) };
    },
    treeBytes: (images) => sourceBytes({ kind: "layers", images: [...images] }),
    diskFacts: readDiskFacts,
    install: o.install,
    workDir: (id) => `${INSTALL_WORK_DIR}/${id}`,
    now: () => Date.now(),
    log: o.log,
  };
}

/**
 * Calls `onRequest(domid)` whenever a guest writes its request node: one `xenstore-watch
 * /local/domain` (it prints every changed path) filtered to request nodes. Returns a stop function.
 */
export function watchRequests(onRequest: (domid: number) => void): () => void {
  const child = spawn("xenstore-watch", ["/local/domain"], { stdio: ["ignore", "pipe", "ignore"] });
  let rest = "";
  child.stdout.on("data", (d: Buffer) => {
    const lines = (rest + d.toString("latin1")).split("\n");
    rest = lines.pop() ?? "";
    if (rest.length > 4096) rest = ""; // no line of ours is that long
    for (const l of lines) {
      const domid = requestDomid(l);
      if (domid !== null) onRequest(domid);
    }
  });
  child.on("error", () => undefined);
  return () => child.kill();
}
