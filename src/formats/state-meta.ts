/**
 * Metadata of saved states on the medium, read by dom0's state-match
 * (initrd-skel/dom0/usr/lib/livedeck/state-match) before it restores anything:
 *   livedeck/states/<CPU vendor id>/set.env    facts of the machine that saved the set (state-facts)
 *   livedeck/states/<CPU vendor id>/NAME.zst   the guest's `xl save` stream, zstd
 *   livedeck/states/<CPU vendor id>/NAME.meta  KEY=VALUE lines below
 */
export const STATES_DIR = "livedeck/states";

/** The deck's vendor names and the vendor id the CPU reports (CPUID leaf 0, /proc/cpuinfo vendor_id). */
export const CPU_VENDORS = { intel: "GenuineIntel", amd: "AuthenticAMD" } as const;
export type CpuVendor = keyof typeof CPU_VENDORS;

/** Low baseline models that boot Xen and dom0 under TCG: states saved there restore on newer CPUs of the vendor. */
export const DEFAULT_STATE_CPUS: { vendor: CpuVendor; model: string }[] = [
  { vendor: "intel", model: "Nehalem" },
  { vendor: "amd", model: "Opteron_G3" },
];

/** `set.env`: dom0's facts as it reported them, plus how the build made the set. */
export function setEnvText(
  facts: readonly [string, string][],
  made: { cpuModel: string; zstd: string },
): string {
  const lines = facts.map(([k, v]) => `${k}=${v}`);
  lines.push(`qemu_cpu=${made.cpuModel}`, `zstd=${made.zstd}`);
  return `${lines.join("\n")}\n`;
}

export interface StateMeta {
  configSha256: string;
  /** Layer images the guest's disks are, relative to the medium root, with size and sha256. */
  layers: { path: string; bytes: number; sha256: string }[];
  rawBytes: number;
  stateBytes: number;
  stateSha256: string;
}

/** `NAME.meta`; state-match checks config_sha256, layers (sizes) and state_bytes (zstd's checksum the content). */
export function stateMetaText(m: StateMeta): string {
  return [
    `config_sha256=${m.configSha256}`,
    `layers=${m.layers.map((l) => `${l.path}:${l.bytes}`).join(" ")}`,
    `layer_sha256=${m.layers.map((l) => `${l.path}:${l.sha256}`).join(" ")}`,
    `raw_bytes=${m.rawBytes}`,
    `state_bytes=${m.stateBytes}`,
    `state_sha256=${m.stateSha256}`,
    "",
  ].join("\n");
}

/** Layer images an xl config names on the medium (its `disk` lines), relative to the medium root. */
export function configLayers(configText: string, mediumMount: string): string[] {
  const out: string[] = [];
  const prefix = `${mediumMount}/`;
  for (const m of configText.matchAll(/target=([^,'"\]]+\.squashfs)/g)) {
    const p = m[1]!;
    if (p.startsWith(prefix) && !out.includes(p.slice(prefix.length))) out.push(p.slice(prefix.length));
  }
  return out;
}

/** zstd's argv for one state: `--long` finds repeats across a guest's whole RAM image. */
export function stateZstdArgv(level: number, long: boolean, input: string, output: string): string[] {
  return [
    "zstd",
    `-${level}`,
    ...(level > 19 ? ["--ultra"] : []),
    ...(long ? ["--long=27"] : []),
    "--check", // the frame's checksum: dom0 finds a corrupt state while restoring it (state-match reads it no more)
    "-T0",
    "-q",
    "-f",
    "-o",
    output,
    input,
  ];
}
