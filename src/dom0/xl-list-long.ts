import { XlParseError } from "./xl-parse.ts";

/**
 * `xl list -l`: a JSON array of `{ domid, config }`, where config is libxl's domain config as
 * libxl_retrieve_domain_configuration returns it (libxl_types.idl). Only what the switcher shows
 * is typed; keys libxl leaves at their default are absent (tiny's config has no on_poweroff).
 * A domain whose config cannot be retrieved is left out by xl, so the array can be shorter than
 * `xl list`.
 */
export interface XlDomainDetails {
  domid: number;
  name: string;
  uuid: string | null;
  type: string;
  maxMemKiB: number | null;
  maxVcpus: number | null;
  kernel: string | null;
  /** The guest kernel command line (`extra`): livedeck's guests carry livedeck.flavour= here. */
  cmdline: string | null;
  nics: { mac: string | null; ip: string | null; bridge: string | null; gatewaydev: string | null }[];
  /** VNC of a graphical console (PV vfb or HVM), as configured; the port xl picked is in xenstore. */
  vnc: { listen: string | null; display: number | null } | null;
  onCrash: string | null;
}

type Json = Record<string, unknown>;

const obj = (v: unknown): Json => (v && typeof v === "object" && !Array.isArray(v) ? (v as Json) : {});
const str = (v: unknown): string | null => (typeof v === "string" ? v : null);
const num = (v: unknown): number | null => (typeof v === "number" ? v : null);
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

function vncOf(config: Json, bInfo: Json): XlDomainDetails["vnc"] {
  const candidates = [...arr(config.vfbs).map((v) => obj(obj(v).vnc)), obj(obj(bInfo["type.hvm"]).vnc)];
  const on = candidates.find((v) => v.enable === "True");
  return on ? { listen: str(on.listen), display: num(on.display) } : null;
}

export function parseXlListLong(text: string): XlDomainDetails[] {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new XlParseError("xl list -l JSON", text.split("\n")[0] ?? "");
  }
  if (!Array.isArray(data)) throw new XlParseError("xl list -l (not an array)", text.slice(0, 60));
  return data.map((entry) => {
    const e = obj(entry);
    const config = obj(e.config);
    const cInfo = obj(config.c_info);
    const bInfo = obj(config.b_info);
    const domid = num(e.domid);
    const name = str(cInfo.name);
    if (domid === null || name === null) throw new XlParseError("xl list -l entry", JSON.stringify(entry));
    return {
      domid,
      name,
      uuid: str(cInfo.uuid),
      type: str(cInfo.type) ?? "pv",
      maxMemKiB: num(bInfo.max_memkb),
      maxVcpus: num(bInfo.max_vcpus),
      kernel: str(bInfo.kernel),
      cmdline: str(bInfo.cmdline),
      nics: arr(config.nics).map((n) => {
        const nic = obj(n);
        return {
          mac: str(nic.mac),
          ip: str(nic.ip),
          bridge: str(nic.bridge),
          gatewaydev: str(nic.gatewaydev),
        };
      }),
      vnc: vncOf(config, bInfo),
      onCrash: str(config.on_crash),
    };
  });
}

/** `livedeck.KEY=value` words of a guest command line (src/formats/xl-config.ts writes them). */
export function livedeckWords(cmdline: string | null): Map<string, string> {
  const words = new Map<string, string>();
  for (const w of (cmdline ?? "").split(/\s+/)) {
    const m = /^livedeck\.([a-z]+)=(.*)$/.exec(w);
    if (m) words.set(m[1]!, m[2]!);
  }
  return words;
}
