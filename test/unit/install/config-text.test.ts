import { describe, expect, it } from "vitest";
import {
  NETWORKD_TEXT,
  fstabText,
  grubCfgText,
  hostsText,
  markerText,
} from "../../../src/install/config-text.ts";

const ids = { rootUuid: "a6c54b22-c59c-43e9-ab56-55a3bb8ad27c", espUuid: "387B-7661" };

describe("installed system's config text", () => {
  it("fstab mounts root and the ESP by UUID", () => {
    const t = fstabText(ids);
    expect(t).toContain(`UUID=${ids.rootUuid} / ext4 errors=remount-ro 0 1`);
    expect(t).toContain(`UUID=${ids.espUuid} /boot/efi vfat umask=0077 0 1`);
    expect(t).not.toMatch(/\/dev\//);
  });

  it("hosts names the machine on 127.0.1.1; networkd takes DHCP on any wired name", () => {
    expect(hostsText("box")).toMatch(/^127\.0\.1\.1\tbox$/m);
    expect(NETWORKD_TEXT).toMatch(/Name=en\* eth\*/);
    expect(NETWORKD_TEXT).toMatch(/DHCP=yes/);
  });

  it("grub.cfg: root by UUID, serial and screen, Linux on tty1 and ttyS0; no Xen entry without Xen", () => {
    const t = grubCfgText({ ...ids, hostname: "box", kernel: "6.1.0-56-amd64" });
    expect(t).toContain(`search --no-floppy --fs-uuid --set=root ${ids.rootUuid}`);
    expect(t).toContain(
      `linux /boot/vmlinuz-6.1.0-56-amd64 root=UUID=${ids.rootUuid} ro console=tty1 console=ttyS0,115200`,
    );
    expect(t).toContain("initrd /boot/initrd.img-6.1.0-56-amd64");
    expect(t).toContain("terminal_output console serial");
    expect(t).toContain("set default=linux");
    expect(t).not.toMatch(/multiboot2|hvc0/);
  });

  it("grub.cfg with Xen: Xen is the default, dom0 on hvc0, Linux alone still there", () => {
    const t = grubCfgText({ ...ids, hostname: "box", kernel: "6.1.0-56-amd64", xen: "xen-4.17-amd64.gz" });
    expect(t).toContain("set default=xen");
    expect(t).toMatch(/multiboot2 \/boot\/xen-4\.17-amd64\.gz dom0_mem=\S+ console=com1,vga com1=115200,8n1/);
    expect(t).toContain(
      `module2 /boot/vmlinuz-6.1.0-56-amd64 root=UUID=${ids.rootUuid} ro console=tty0 console=hvc0`,
    );
    expect(t).toContain("module2 --nounzip /boot/initrd.img-6.1.0-56-amd64");
    expect(t).toContain("--id linux");
  });

  it("marker says what was installed", () => {
    expect(markerText({ flavour: "jeos", kernel: "6.1", xen: true })).toBe(
      "flavour=jeos\nkernel=6.1\nxen=yes\n",
    );
  });
});
