import type { LoadedDeck } from "../deck/load.ts";
import { VNC_SERVICE } from "../dom0/medium.ts";
import type { Flavour } from "../deck/schema.ts";
import { UserError } from "../errors.ts";
import { step, type Step } from "./plan-step.ts";

/**
 * dom0's VNC tools for graphical guests (DESIGN.md "Graphical guests"): directvnc (the full-screen
 * view on the PC's frame buffer) and noVNC + websockify (browsers on other machines). They are
 * Debian packages layered on the guests' shared base like a flavour, and go on the medium as one
 * delta image that dom0 mounts over the base image and runs chrooted: nothing grows dom0's RAM
 * initrd, and the base image is on the medium anyway.
 */
export const VIEWER = "viewer";
export const VIEWER_PACKAGES = ["directvnc", "novnc", "websockify"];
/**
 * Left out: docs and translations, and the Node runtime's libraries that novnc's package pulls in
 * for its own build tools, not for serving the web client (libnode and ICU, ~75 MiB unpacked), and
 * what recommended packages add that neither tool uses. Only
 * files no maintainer script touches: dpkg must still configure every package.
 */
export const VIEWER_EXCLUDE = [
  "/usr/share/doc/*",
  "/usr/share/man/*",
  "/usr/share/locale/*",
  "/usr/lib/x86_64-linux-gnu/libnode.so*",
  "/usr/lib/x86_64-linux-gnu/libicudata.so*",
  "/usr/share/nodejs/*",
  "/usr/include/*",
  "/usr/lib/x86_64-linux-gnu/dri/*", // Mesa's GPU drivers and their LLVM (DirectFB draws on the
  "/usr/lib/x86_64-linux-gnu/libLLVM*", // frame buffer itself): ~160 MiB unpacked
  "/usr/lib/x86_64-linux-gnu/libz3.so*",
  "/usr/share/ieee-data/*", // MAC vendor tables of a Python library of noVNC's package
];

/** A flavour whose guests serve a desktop over VNC. */
export const isGraphical = (f: Flavour): boolean => f.services.includes(VNC_SERVICE);

/**
 * The viewer's steps when some guest of the deck is graphical: its layer on the shared base's
 * rootfs and its delta image; `image` names the squashfs step for the medium. None otherwise.
 */
export function planViewer(
  loaded: LoadedDeck,
  common: { suite: string; mirror: string; epoch: number },
  base: { rootfs: string },
): { steps: Step[]; image?: string } {
  const graphical = loaded.deck.guests.some((g) => isGraphical(loaded.flavours.get(g.flavour)!.flavour));
  if (!graphical) return { steps: [] };
  const clash = loaded.flavours.get(VIEWER);
  if (clash)
    throw new UserError(
      `${clash.file}: the flavour name ${VIEWER} is reserved for dom0's VNC tools`,
      "rename the flavour",
    );
  const layer = `layer:${VIEWER}`;
  return {
    steps: [
      step(layer, "layer", { ...common, packages: VIEWER_PACKAGES, exclude: VIEWER_EXCLUDE }, { base: base.rootfs }),
      step(`squashfs:${VIEWER}`, "squashfs", { which: "delta", epoch: common.epoch }, { layer }),
    ],
    image: `squashfs:${VIEWER}`,
  };
}
