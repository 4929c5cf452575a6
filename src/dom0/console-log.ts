/**
 * Guest console logs as xenconsoled --log=guest writes them (/var/log/xen/console/guest-NAME.log):
 * every boot of a guest of that name appends to the same file, raw terminal bytes included.
 */

/** Printed by the guest's /init first thing (initrd-skel/guest/init): a new boot starts here. */
const bootLine = (name: string) => `livedeck: guest ${name} (`;
const readyLine = (name: string) => `LIVEDECK-GUEST-READY ${name}`;

/**
 * Whether the guest became ready in its latest boot: a READY line after the last boot line. A
 * restored guest prints no boot line, so its READY from the boot that was saved still counts.
 */
export function guestReadyInLog(log: string, name: string): boolean {
  const ready = log.lastIndexOf(readyLine(name));
  return ready >= 0 && ready > log.lastIndexOf(bootLine(name));
}

/** Log text fit for a screen: escape sequences and control characters other than \n and \t removed. */
export function printableLog(raw: string): string {
  return raw
    .replace(/\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)/g, "")
    .replace(/\x1b\[[0-9;?]*[ -/]*[@-~]/g, "")
    .replace(/\x1b[@-_]/g, "")
    .replace(/\r\n?/g, "\n")
    .replace(/[\x00-\x08\x0b-\x1f\x7f]/g, "");
}
