import type { InstallOptions, InstallRequest, InstallResult } from "../../../../src/install/api.ts";
import { Broker, type BrokerIo } from "../../../../src/dom0/broker/broker.ts";
import type { SysDisk } from "../../../../src/dom0/broker/disks.ts";
import type { InstallInfo } from "../../../../src/dom0/broker/guest-info.ts";

export const HASH = "$6$saltsalt$" + "a".repeat(86);
export const request = (o: Record<string, unknown> = {}) =>
  JSON.stringify({ v: 1, id: "req00001", hostname: "box", user: "anna", passwordHash: HASH, withXen: false, ...o });
const disk = (name: string, gb: number, o: Partial<SysDisk> = {}): SysDisk => ({
  name,
  sizeBytes: gb * 1e9,
  model: `model-${name}`,
  removable: false,
  readOnly: false,
  partitions: [],
  holders: [],
  ...o,
});

/** A dom0 in memory: guest 3 runs jeos (installable), 4 runs micro (not), 5 is not a deck guest. */
export function fakeDom0(
  install?: (r: InstallRequest, o: InstallOptions) => Promise<InstallResult>,
  /** Other running guests by domain id (the switcher tests use the demo's ids). */
  more: Record<number, { name: string; info: InstallInfo }> = {},
) {
  const requests = new Map<number, string>();
  const statuses: [number, Record<string, unknown>][] = [];
  const lines: string[] = [];
  const installs: [InstallRequest, InstallOptions][] = [];
  let now = 0;
  const guests: Record<number, { name: string; info: InstallInfo }> = {
    3: { name: "deb", info: { flavour: "jeos", installable: true, layers: ["/m/base.squashfs", "/m/jeos.squashfs"] } },
    4: { name: "micro1", info: { flavour: "micro", installable: false, layers: [] } },
    ...more,
  };
  const io: BrokerIo = {
    readRequest: async (d) => requests.get(d) ?? null,
    removeRequest: async (d) => void requests.delete(d),
    writeStatus: async (d, v) => void statuses.push([d, JSON.parse(v) as Record<string, unknown>]),
    guestOf: async (d) => guests[d] ?? null,
    treeBytes: async (images) => images.length * 1e9,
    diskFacts: async () => ({
      disks: [disk("sda", 500), disk("sdb", 32), disk("vda", 1)],
      procMounts: "/dev/sdb /run/medium iso9660 ro 0 0\n",
      procSwaps: "Filename\n",
      mediumDevice: "/dev/sdb",
    }),
    install:
      install ??
      (async (r, o) => {
        installs.push([r, o]);
        o.onProgress?.({ step: "copy", fraction: 0.5, message: "copying" });
        return { ok: true, target: r.target, ids: { rootUuid: "u", espUuid: "e", kernel: "k" }, rootUsedBytes: 1, seconds: {} };
      }),
    workDir: (id) => `/run/livedeck/install/${id}`,
    now: () => now,
    log: (l) => void lines.push(l),
  };
  const broker = new Broker(io);
  const ask = async (domid: number, raw: string) => {
    requests.set(domid, raw);
    await broker.onRequest(domid);
    return statuses.at(-1)?.[1];
  };
  return { broker, io, requests, statuses, lines, installs, ask, tick: (ms: number) => (now += ms) };
}

