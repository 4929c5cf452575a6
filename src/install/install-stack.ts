/**
 * The install roots' names and where their images sit on the medium: plan, stages and dom0's
 * broker share these (dom0 code: no imports beyond this file).
 */

/** Root names (the part after `layer:`; lock entries and medium images use them) of a flavour's install roots. */
export function installRootName(flavour: string, xen: boolean): string {
  return `${flavour}+install${xen ? "+xen" : ""}`;
}

/**
 * The layer images an install from the medium unpacks, bottom first: the guest's own stack, then
 * the flavour's `+install` image (kernel, systemd, udev) and with Xen its `+install+xen` image,
 * which guests-medium puts beside the guest's layers (livedeck/layers/<root name>.squashfs).
 */
export function installImages(guestLayers: readonly string[], flavour: string, withXen: boolean): string[] {
  const top = guestLayers.at(-1);
  if (!top) return [];
  const dir = top.slice(0, top.lastIndexOf("/") + 1);
  const roots = [installRootName(flavour, false), ...(withXen ? [installRootName(flavour, true)] : [])];
  return [...guestLayers, ...roots.map((r) => `${dir}${r}.squashfs`)];
}
