/**
 * A minimal VMware machine description (.vmx) for an exported vmdk, so VMware Workstation, Player
 * or ESXi open the disk as a ready VM. UEFI, because the installed disk boots both ways and newer
 * VMware products default to it; SATA and e1000e, which the Debian kernel drives without extra
 * modules in the initramfs; NAT networking.
 */
export interface VmxSpec {
  /** The VM's name in VMware's library. */
  displayName: string;
  /** The vmdk's file name, relative to the .vmx (they sit side by side). */
  vmdk: string;
  memoryMiB: number;
  cpus: number;
}

/** VMware's quoting: a value is a double-quoted string; `"` and `|` are written as |22 and |7C. */
function vmxValue(s: string): string {
  return `"${s.replace(/\|/g, "|7C").replace(/"/g, "|22")}"`;
}

export function vmxText(s: VmxSpec): string {
  const lines: [string, string][] = [
    [".encoding", "UTF-8"],
    ["config.version", "8"],
    // hardware version 14: Workstation 14 / ESXi 6.7 and later
    ["virtualHW.version", "14"],
    ["displayName", s.displayName],
    ["guestOS", "debian10-64"],
    ["firmware", "efi"],
    ["memsize", String(s.memoryMiB)],
    ["numvcpus", String(s.cpus)],
    ["sata0.present", "TRUE"],
    ["sata0:0.present", "TRUE"],
    ["sata0:0.fileName", s.vmdk],
    ["ethernet0.present", "TRUE"],
    ["ethernet0.virtualDev", "e1000e"],
    ["ethernet0.connectionType", "nat"],
    ["ethernet0.addressType", "generated"],
    ["tools.syncTime", "TRUE"],
  ];
  return `${lines.map(([k, v]) => `${k} = ${vmxValue(v)}`).join("\n")}\n`;
}

/** The .vmx placed beside an exported `NAME.vmdk`: `NAME.vmx`. */
export const vmxPathFor = (vmdkPath: string) => vmdkPath.replace(/\.vmdk$/, ".vmx");
