import { livedeckWords } from "../xl-list-long.ts";

/**
 * What the broker needs of a deck guest, from its xl config on the medium (src/formats/
 * xl-config.ts renders both): whether its flavour is installable (`livedeck.installable` in
 * `extra`) and its layer images, bottom first (the disk targets), the installer's source.
 */
export interface InstallInfo {
  flavour: string;
  installable: boolean;
  layers: string[];
}

export function installInfo(configText: string): InstallInfo {
  const extra = /^\s*extra\s*=\s*"([^"]*)"\s*$/m.exec(configText)?.[1] ?? null;
  const words = livedeckWords(extra);
  const layers = [...configText.matchAll(/^\s*'[^']*\btarget=([^,'\s]+)[^']*',?\s*$/gm)].map((m) => m[1]!);
  return {
    flavour: words.get("flavour") ?? "-",
    installable: words.get("installable") === "1",
    layers,
  };
}
