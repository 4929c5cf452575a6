import { describe, expect, it } from "vitest";
import { OVMF_CODE, qemuArgv, qemuValue, type QemuOptions } from "../../../src/qemu/argv.ts";

const base: QemuOptions = {
  medium: "/out/demo.iso",
  media: "cdrom",
  firmware: "bios",
  memoryMiB: 3072,
  eventsFile: "/logs/events.log",
};

/** The values following each occurrence of `flag`. */
function values(argv: string[], flag: string): string[] {
  return argv.flatMap((a, i) => (a === flag ? [argv[i + 1]!] : []));
}

describe("qemuArgv", () => {
  it("boots a CD under BIOS with TCG, serial console on stdio and events in a file", () => {
    // prettier-ignore
    expect(qemuArgv(base)).toEqual([
      "qemu-system-x86_64",
      "-name", "livedeck",
      "-m", "3072",
      "-smp", "2",
      "-accel", "tcg",
      "-display", "none",
      "-monitor", "none",
      "-no-reboot",
      "-drive", "if=none,id=medium,media=cdrom,format=raw,readonly=on,file=/out/demo.iso",
      "-device", "ide-cd,drive=medium,bootindex=0",
      "-serial", "stdio",
      "-serial", "file:/logs/events.log",
      "-nic", "user,model=e1000,restrict=on",
    ]);
  });

  const cases: { name: string; opts: Partial<QemuOptions>; has: [string, string][]; hasNot?: string[] }[] = [
    { name: "kvm only when asked", opts: { accel: "kvm" }, has: [["-accel", "kvm"]] },
    { name: "a CPU model when asked", opts: { cpu: "Westmere" }, has: [["-cpu", "Westmere"]] },
    { name: "no -cpu by default (qemu64)", opts: {}, has: [], hasNot: ["-cpu"] },
    {
      name: "memory and smp",
      opts: { memoryMiB: 512, smp: 1 },
      has: [
        ["-m", "512"],
        ["-smp", "1"],
      ],
    },
    {
      name: "USB stick on xHCI",
      opts: { media: "usb" },
      has: [
        ["-drive", "if=none,id=medium,format=raw,readonly=on,file=/out/demo.iso"],
        ["-device", "qemu-xhci,id=xhci"],
        ["-device", "usb-storage,bus=xhci.0,drive=medium,bootindex=0"],
      ],
      hasNot: ["ide-cd,drive=medium,bootindex=0"],
    },
    {
      name: "UEFI with OVMF code read-only and private vars",
      opts: { firmware: "uefi", ovmfVars: "/logs/OVMF_VARS.fd" },
      has: [
        ["-drive", `if=pflash,format=raw,unit=0,readonly=on,file=${OVMF_CODE}`],
        ["-drive", "if=pflash,format=raw,unit=1,file=/logs/OVMF_VARS.fd"],
      ],
    },
    {
      name: "UEFI from USB",
      opts: { firmware: "uefi", ovmfVars: "/v.fd", media: "usb" },
      has: [
        ["-drive", "if=pflash,format=raw,unit=1,file=/v.fd"],
        ["-device", "usb-storage,bus=xhci.0,drive=medium,bootindex=0"],
      ],
    },
    { name: "no NIC", opts: { net: false }, has: [["-nic", "none"]] },
    {
      name: "PXE under BIOS: the NIC boots from QEMU's TFTP server (still restrict=on), no disk",
      opts: { media: "pxe", medium: "/out/demo-pxe" },
      has: [
        ["-netdev", "user,id=net0,restrict=on,tftp=/out/demo-pxe,bootfile=boot/grub/i386-pc/core.0"],
        ["-device", "e1000,netdev=net0,bootindex=0"],
      ],
      hasNot: ["-drive", "-nic"],
    },
    {
      name: "PXE under UEFI names GRUB's EFI image",
      opts: { media: "pxe", medium: "/t,x", firmware: "uefi", ovmfVars: "/v.fd" },
      has: [["-netdev", "user,id=net0,restrict=on,tftp=/t,,x,bootfile=boot/grub/x86_64-efi/core.efi"]],
    },
    {
      name: "host forwards bound to loopback",
      opts: {
        net: {
          hostfwd: [
            { host: 5901, guest: 5900 },
            { host: 2222, guest: 22 },
          ],
        },
      },
      has: [
        [
          "-nic",
          "user,model=e1000,restrict=on,hostfwd=tcp:127.0.0.1:5901-:5900,hostfwd=tcp:127.0.0.1:2222-:22",
        ],
      ],
    },
    {
      name: "guest forwards run a host command per connection; commas in it are doubled",
      opts: { net: { guestfwd: [{ ip: "10.0.2.100", port: 80, command: "cat /t/a,b" }] } },
      has: [["-nic", "user,model=e1000,restrict=on,guestfwd=tcp:10.0.2.100:80-cmd:cat /t/a,,b"]],
    },
    {
      name: "QMP socket",
      opts: { qmpSocket: "/l/qmp.sock" },
      has: [["-qmp", "unix:/l/qmp.sock,server=on,wait=off"]],
    },
    {
      name: "commas in paths are doubled where QEMU splits on them",
      opts: { medium: "/a,b.iso", qmpSocket: "/l,q.sock", eventsFile: "/l,e.log" },
      has: [
        ["-device", "ide-cd,drive=medium,bootindex=0"],
        ["-drive", "if=none,id=medium,media=cdrom,format=raw,readonly=on,file=/a,,b.iso"],
        ["-qmp", "unix:/l,,q.sock,server=on,wait=off"],
        ["-serial", "file:/l,e.log"],
      ],
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const argv = qemuArgv({ ...base, ...c.opts });
      for (const [flag, value] of c.has) expect(values(argv, flag)).toContain(value);
      for (const a of c.hasNot ?? []) expect(argv).not.toContain(a);
    });
  }

  it("refuses a PXE boot without a NIC", () => {
    expect(() => qemuArgv({ ...base, media: "pxe", net: false })).toThrow(/PXE boot needs the NIC/);
  });

  it("never uses -cpu max, KVM or a restricted-off network by default", () => {
    for (const media of ["cdrom", "usb"] as const) {
      for (const firmware of ["bios", "uefi"] as const) {
        const argv = qemuArgv({ ...base, media, firmware, ovmfVars: "/v.fd" });
        expect(values(argv, "-accel")).toEqual(["tcg"]);
        expect(argv).not.toContain("max");
        expect(values(argv, "-nic")[0]).toContain("restrict=on");
        expect(values(argv, "-serial")).toEqual(["stdio", "file:/logs/events.log"]);
        expect(values(argv, "-drive").filter((d) => d.includes("pflash"))).toHaveLength(
          firmware === "uefi" ? 2 : 0,
        );
      }
    }
  });

  it("refuses UEFI without a private vars copy", () => {
    expect(() => qemuArgv({ ...base, firmware: "uefi" })).toThrow(/ovmfVars/);
  });

  it("attaches disk images as virtio disks after the medium, commas escaped", () => {
    const argv = qemuArgv({ ...base, disks: ["/tmp/a.img", "/tmp/b,c.img"] });
    expect(values(argv, "-drive")).toEqual([
      "if=none,id=medium,media=cdrom,format=raw,readonly=on,file=/out/demo.iso",
      "if=virtio,format=raw,file=/tmp/a.img",
      "if=virtio,format=raw,file=/tmp/b,,c.img",
    ]);
  });

  it("escapes commas", () => {
    expect(qemuValue("a,b,,c")).toBe("a,,b,,,,c");
  });
});
