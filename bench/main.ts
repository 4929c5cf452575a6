import { benchBoot } from "./boot.ts";
import { benchDesktop } from "./desktop.ts";
import { benchInstall } from "./install.ts";
import { benchLayers } from "./layers.ts";
import { benchPeers } from "./peers.ts";
import { benchPipeline } from "./pipeline.ts";
import { benchStates } from "./states.ts";
import { benchPxe } from "./pxe.ts";
import { benchRtsave } from "./rtsave.ts";

/** `npm run bench -- <name>`: each benchmark prints its figures measured side by side in one run. */
const BENCHES: Record<string, () => Promise<void>> = {
  pipeline: benchPipeline,
  boot: benchBoot,
  layers: benchLayers,
  peers: benchPeers,
  states: benchStates,
  install: benchInstall,
  pxe: benchPxe,
  rtsave: benchRtsave,
  desktop: benchDesktop,
};

const name = process.argv[2] ?? "";
const bench = BENCHES[name];
if (!bench) {
  console.error(`usage: npm run bench -- <${Object.keys(BENCHES).join("|")}>`);
  process.exit(2);
}
await bench();
