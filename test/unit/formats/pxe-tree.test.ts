import { describe, expect, it } from "vitest";
import { DeckSchema } from "../../../src/deck/schema.ts";
import { menuVars, renderMenu } from "../../../src/formats/grub-menu.ts";
import { NET_PLATFORMS, grubMknetdirArgv, manifestText, ramNote } from "../../../src/formats/pxe-tree.ts";

const A = "a".repeat(64);
const B = "b".repeat(64);

describe("grubMknetdirArgv", () => {
  it("puts each platform's image under boot/grub of the tree, without locales, fonts or themes", () => {
    expect(grubMknetdirArgv("uefi", "/t")).toEqual([
      "grub-mknetdir",
      "--net-directory=/t",
      "--subdir=boot/grub",
      "--directory=/usr/lib/grub/x86_64-efi",
      "--locales=",
      "--fonts=",
      "--themes=",
    ]);
    expect(grubMknetdirArgv("bios", "/t")).toContain("--directory=/usr/lib/grub/i386-pc");
    expect(NET_PLATFORMS.bios.bootfile).toBe("boot/grub/i386-pc/core.0");
    expect(NET_PLATFORMS.uefi.bootfile).toBe("boot/grub/x86_64-efi/core.efi");
  });
});

describe("manifestText", () => {
  it("is sha256sum -c input, sorted by path", () => {
    expect(
      manifestText([
        { path: "livedeck/pool/passwd_1%3a4.13+dfsg1-1_amd64.deb", sha256: B },
        { path: "livedeck/guests.list", sha256: A },
      ]),
    ).toBe(`${A}  livedeck/guests.list\n${B}  livedeck/pool/passwd_1%3a4.13+dfsg1-1_amd64.deb\n`);
  });

  it.each(["/etc/passwd", "livedeck/../x", "a b", "x'y", "-rf"])(
    "refuses the path %j (dom0's sh reads it)",
    (path) => {
      expect(() => manifestText([{ path, sha256: A }])).toThrow(/bad path/);
    },
  );

  it("refuses a hash that is not a sha256", () => {
    expect(() => manifestText([{ path: "x", sha256: "abc" }])).toThrow(/not a sha256/);
  });
});

describe("ramNote", () => {
  it("adds Xen, dom0 and the autostart guests, and says how much of dom0's RAM the files take", () => {
    expect(ramNote({ xenMiB: 256, dom0MiB: 1024, guestsMiB: 320, filesBytes: 69.4 * 2 ** 20 })).toBe(
      " (network boot: needs 1600 MiB RAM, incl. 70 MiB of guest files)",
    );
  });
});

describe("the network variant of the menu", () => {
  const deck = DeckSchema.parse({ name: "demo", boot: { label: "DEMO_1" } });
  const net = renderMenu(
    menuVars(deck, { net: { manifest: A }, ramNote: " (network boot: needs 2000 MiB RAM)" }),
  );
  const iso = renderMenu(menuVars(deck));

  it("gives dom0 the TFTP server and MAC GRUB booted from and the manifest's sha256 instead of the label", () => {
    const lines = net.split("\n").filter((l) => l.trim().startsWith("module2 /boot/vmlinuz"));
    // demo, verbose, rescue, serial, and the options submenu's eight
    expect(lines).toHaveLength(12);
    for (const l of lines) {
      expect(l).toContain(
        `livedeck.fetch=tftp:$net_default_server livedeck.mac=$net_default_mac livedeck.manifest=${A}`,
      );
      expect(l).not.toContain("livedeck.label=");
    }
  });

  it("says the RAM it needs in the default entry's heading", () => {
    expect(net).toContain("menuentry 'demo (network boot: needs 2000 MiB RAM)' --id demo {");
  });

  it("leaves the ISO's menu as it was: the label, no fetch", () => {
    expect(iso).toContain("livedeck.label=DEMO_1");
    expect(iso).not.toContain("livedeck.fetch");
    expect(iso).toContain("menuentry 'demo' --id demo {");
  });

  it("refuses a manifest that is not a sha256", () => {
    expect(() => menuVars(deck, { net: { manifest: "$(reboot)" } })).toThrow(
      /net.manifest: must be a sha256/,
    );
  });
});
