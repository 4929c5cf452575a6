import { describe, expect, it } from "vitest";
import { DeckSchema, FlavourSchema, GuestSchema } from "../../../src/deck/schema.ts";
import { UserError } from "../../../src/errors.ts";
import { guestMac, guestNet, layerVdev, subnetHost, xlConfig } from "../../../src/formats/xl-config.ts";

const network = DeckSchema.shape.network.parse({});
const micro = FlavourSchema.parse({ name: "micro", base: "busybox", memory: "96M", services: ["httpd"] });
const server = FlavourSchema.parse({
  name: "server",
  base: "jeos",
  memory: "256M",
  vcpus: 2,
  services: ["ssh", "nginx"],
});
const guest = (o: object) => GuestSchema.parse(o);

describe("guest addresses", () => {
  it("dom0 is .1, guests from .10 in deck order", () => {
    expect(guestNet(network, 0)).toEqual({
      mode: "routed",
      ip: "172.20.216.10",
      prefix: 24,
      gateway: "172.20.216.1",
      dev: "livedeck0",
    });
    expect(guestNet(network, 2).ip).toBe("172.20.216.12");
    expect(guestNet({ mode: "bridged", subnet: "10.1.2.0/24" }, 244)).toMatchObject({
      ip: "10.1.2.254",
      dev: "xenbr0",
    });
  });

  it("refuses a guest past .254 and a subnet that is not a /24", () => {
    expect(() => guestNet(network, 245)).toThrow(/246 guests do not fit in 172.20.216.0\/24/);
    expect(() => subnetHost("300.1.2.0/24", 1)).toThrow(UserError);
  });

  it("derives a stable MAC in Xen's OUI from the name alone", () => {
    expect(guestMac("micro")).toBe(guestMac("micro"));
    expect(guestMac("micro")).not.toBe(guestMac("jeos"));
    for (const n of ["micro", "jeos", "server", "a"])
      expect(guestMac(n)).toMatch(/^00:16:3e:[0-7][0-9a-f](:[0-9a-f]{2}){2}$/);
  });

  it("names layer disks xvda..xvdz", () => {
    expect([0, 1, 25].map(layerVdev)).toEqual(["xvda", "xvdb", "xvdz"]);
    expect(() => layerVdev(26)).toThrow(/a guest stacks 27 layers/);
  });
});

describe("xlConfig", () => {
  it("renders a busybox guest: initrd only, no disks, routed vif", () => {
    const mac = guestMac("tiny");
    expect(
      xlConfig(guest({ name: "tiny", flavour: "micro" }), micro, guestNet(network, 0), {
        kernel: "/run/medium/guest/vmlinuz",
        ramdisk: "/run/medium/guest/initrd.img",
        layers: [],
      }),
    ).toBe(
      `# livedeck guest tiny (flavour micro); generated from the deck, edits are lost
name = "tiny"
type = "pv"
memory = 96
maxmem = 96
vcpus = 1
kernel = "/run/medium/guest/vmlinuz"
ramdisk = "/run/medium/guest/initrd.img"
extra = "console=hvc0 quiet livedeck.name=tiny livedeck.flavour=micro livedeck.ip=172.20.216.10/24 livedeck.gw=172.20.216.1 livedeck.services=httpd"
vif = [ 'mac=${mac}, ip=172.20.216.10, script=vif-route, gatewaydev=livedeck0' ]
on_poweroff = "destroy"
on_reboot = "restart"
on_crash = "preserve"
`,
    );
  });

  it("renders a layered guest: read-only disks bottom first, guest overrides, bridged vif", () => {
    const text = xlConfig(
      guest({ name: "web", flavour: "server", memory: "384M", vcpus: 1 }),
      server,
      guestNet({ mode: "bridged", subnet: "10.9.8.0/24" }, 3),
      {
        kernel: "/k",
        ramdisk: "/i",
        layers: [
          "/run/medium/layers/base.squashfs",
          "/run/medium/layers/jeos.squashfs",
          "/run/medium/layers/server.squashfs",
        ],
      },
    );
    expect(text).toBe(
      `# livedeck guest web (flavour server); generated from the deck, edits are lost
name = "web"
type = "pv"
memory = 384
maxmem = 384
vcpus = 1
kernel = "/k"
ramdisk = "/i"
extra = "console=hvc0 quiet livedeck.name=web livedeck.flavour=server livedeck.ip=10.9.8.13/24 livedeck.gw=10.9.8.1 livedeck.layers=xvda,xvdb,xvdc livedeck.services=ssh,nginx"
disk = [
    'format=raw, vdev=xvda, access=ro, target=/run/medium/layers/base.squashfs',
    'format=raw, vdev=xvdb, access=ro, target=/run/medium/layers/jeos.squashfs',
    'format=raw, vdev=xvdc, access=ro, target=/run/medium/layers/server.squashfs',
]
vif = [ 'mac=${guestMac("web")}, bridge=xenbr0' ]
on_poweroff = "destroy"
on_reboot = "restart"
on_crash = "preserve"
`,
    );
  });

  it("names the layer disks' hotplug script when given one (dom0's own loop devices)", () => {
    const paths = {
      kernel: "/k",
      ramdisk: "/i",
      layers: ["/run/livedeck/layers/guest-base"],
      diskScript: "block-livedeck",
    };
    expect(xlConfig(guest({ name: "j", flavour: "server" }), server, guestNet(network, 0), paths)).toContain(
      "disk = [\n    'format=raw, vdev=xvda, access=ro, script=block-livedeck, target=/run/livedeck/layers/guest-base',\n]\n",
    );
  });

  it("takes memory and vcpus from the flavour unless the guest overrides them", () => {
    const text = xlConfig(guest({ name: "s", flavour: "server" }), server, guestNet(network, 0), {
      kernel: "/k",
      ramdisk: "/i",
      layers: [],
    });
    expect(text).toMatch(/^memory = 256$/m);
    expect(text).toMatch(/^vcpus = 2$/m);
  });

  it("refuses memory below what Debian's kernel boots in, naming guest or flavour", () => {
    const net = guestNet(network, 0);
    const paths = { kernel: "/k", ramdisk: "/i", layers: [] };
    expect(() =>
      xlConfig(guest({ name: "m", flavour: "micro" }), { ...micro, memory: 64 }, net, paths),
    ).toThrow("flavour micro (guest m): memory 64M is too small for a PV guest");
    expect(() => xlConfig(guest({ name: "m", flavour: "micro", memory: "80M" }), micro, net, paths)).toThrow(
      "guest m: memory 80M is too small for a PV guest",
    );
    expect(
      xlConfig(guest({ name: "m", flavour: "micro", memory: "96M" }), { ...micro, memory: 64 }, net, paths),
    ).toMatch(/^memory = 96$/m);
  });

  it("refuses a service name that would break the command line", () => {
    const bad = { ...micro, services: ["httpd -p 80"] };
    expect(() =>
      xlConfig(guest({ name: "m", flavour: "micro" }), bad, guestNet(network, 0), {
        kernel: "/k",
        ramdisk: "/i",
        layers: [],
      }),
    ).toThrow(/flavour micro: services: "httpd -p 80" is not a service name/);
  });

  it("refuses a command line longer than Xen's 1024 bytes", () => {
    const many = { ...micro, services: Array.from({ length: 120 }, (_, i) => `service${i}`) };
    expect(() =>
      xlConfig(guest({ name: "m", flavour: "micro" }), many, guestNet(network, 0), {
        kernel: "/k",
        ramdisk: "/i",
        layers: [],
      }),
    ).toThrow(/kernel command line is \d+ bytes/);
  });

  it("refuses a layer path xl would split", () => {
    expect(() =>
      xlConfig(guest({ name: "m", flavour: "micro" }), micro, guestNet(network, 0), {
        kernel: "/k",
        ramdisk: "/i",
        layers: ["/a b"],
      }),
    ).toThrow(/"\/a b" or its script has a space, comma or quote/);
  });
});
