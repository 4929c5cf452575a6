import { mkdir, mkdtemp, readFile, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { DeckSchema, FlavourSchema, GuestSchema } from "../../../src/deck/schema.ts";
import guestsMedium, {
  GuestsMediumOptions,
  layerNames,
  mediumFiles,
} from "../../../src/stages/guests-medium.ts";
import { runStage } from "../../helpers/stage-ctx.ts";

const micro = FlavourSchema.parse({ name: "micro", base: "busybox", memory: "96M", services: ["httpd"] });
const jeos = FlavourSchema.parse({ name: "jeos", packages: ["openssh-server"], services: ["ssh"] });
const server = FlavourSchema.parse({
  name: "server",
  base: "jeos",
  memory: "256M",
  packages: ["nginx-light"],
});
const opts = GuestsMediumOptions.parse({
  network: DeckSchema.shape.network.parse({}),
  guests: [
    { guest: GuestSchema.parse({ name: "micro", flavour: "micro" }), flavour: micro, layers: [] },
    {
      guest: GuestSchema.parse({ name: "jeos", flavour: "jeos", autostart: false }),
      flavour: jeos,
      layers: ["guest-base", "jeos"],
    },
    {
      guest: GuestSchema.parse({ name: "server", flavour: "server" }),
      flavour: server,
      layers: ["guest-base", "jeos", "server"],
    },
  ],
});
const text = (path: string) => {
  const f = mediumFiles(opts).find((x) => x.path === path);
  if (!f || !("text" in f)) throw new Error(`no text file ${path}`);
  return f.text;
};

describe("guests-medium stage", () => {
  it("places the kernel, the initrd and each layer image once, from the consumed steps", () => {
    const links = mediumFiles(opts).filter((f) => "role" in f);
    expect(links).toEqual([
      { path: "livedeck/guest/vmlinuz", role: "initrd", file: "vmlinuz" },
      { path: "livedeck/guest/initrd.img", role: "initrd", file: "initrd.img" },
      { path: "livedeck/layers/guest-base.squashfs", role: "layer:guest-base", file: "layer.squashfs" },
      { path: "livedeck/layers/jeos.squashfs", role: "layer:jeos", file: "layer.squashfs" },
      { path: "livedeck/layers/server.squashfs", role: "layer:server", file: "layer.squashfs" },
    ]);
    expect(layerNames(opts)).toEqual(["guest-base", "jeos", "server"]);
  });

  it("writes one xl config per guest, in deck order, naming files where dom0 mounts the medium", () => {
    const cfgs = mediumFiles(opts)
      .filter((f) => f.path.endsWith(".cfg"))
      .map((f) => f.path);
    expect(cfgs).toEqual([
      "livedeck/guests/1-micro.cfg",
      "livedeck/guests/2-jeos.cfg",
      "livedeck/guests/3-server.cfg",
    ]);
    const s = text("livedeck/guests/3-server.cfg");
    expect(s).toContain('kernel = "/run/medium/livedeck/guest/vmlinuz"');
    expect(s).toContain("target=/run/medium/livedeck/layers/guest-base.squashfs'");
    expect(s).toContain(
      "vdev=xvdc, access=ro, script=livedeck-layer, target=/run/medium/livedeck/layers/server.squashfs'",
    );
    expect(s).toContain("ip=172.20.216.12, script=vif-route, gatewaydev=livedeck0");
    expect(text("livedeck/guests/1-micro.cfg")).not.toMatch(/^disk =/m);
  });

  it("lists the guests for the supervisor and configures dom0's network from the deck", () => {
    expect(text("livedeck/guests.list").split("\n").slice(1, 4)).toEqual([
      "micro yes 96 172.20.216.10 livedeck/guests/1-micro.cfg",
      "jeos no 128 172.20.216.11 livedeck/guests/2-jeos.cfg",
      "server yes 256 172.20.216.12 livedeck/guests/3-server.cfg",
    ]);
    expect(text("livedeck/network")).toContain("address=172.20.216.1/24");
    expect(text("livedeck/dnsmasq.conf")).toContain("host-record=server,server.livedeck,172.20.216.12");
  });

  it("with the switcher option, places the switcher-medium step's files below livedeck/switcher/", () => {
    const sw = mediumFiles({ ...opts, switcher: true }).filter((f) => "role" in f && f.role === "switcher");
    expect(sw.map((f) => f.path)).toEqual([
      "livedeck/switcher/switcher.cjs",
      ...["linux", "xterm", "xterm-256color", "windows-ansi", "xterm.termcap"].map(
        (t) => `livedeck/switcher/usr/${t}`,
      ),
      "livedeck/switcher/node.squashfs",
    ]);
    expect(sw[0]).toEqual({
      path: "livedeck/switcher/switcher.cjs",
      role: "switcher",
      file: "switcher/switcher.cjs",
    });
    expect(mediumFiles(opts).some((f) => f.path.includes("switcher"))).toBe(false);
  });

  it("with install layers, places them beside the guests' layers and the installer's tools below livedeck/installer/", () => {
    const files = mediumFiles({ ...opts, installLayers: ["jeos+install"] }).filter((f) => "role" in f);
    expect(files.filter((f) => /install/.test(f.path))).toEqual([
      { path: "livedeck/layers/jeos+install.squashfs", role: "layer:jeos+install", file: "layer.squashfs" },
      { path: "livedeck/installer/installer.squashfs", role: "installer", file: "installer/installer.squashfs" },
    ]);
    expect(() => GuestsMediumOptions.parse({ ...opts, installLayers: ["../x"] })).toThrow();
    expect(mediumFiles(opts).some((f) => /install/.test(f.path))).toBe(false);
  });

  it("a deck without guests still gets the list and dom0's network, but no kernel", () => {
    const files = mediumFiles({ ...opts, guests: [] }).map((f) => f.path);
    expect(files).toEqual(["livedeck/guests.list", "livedeck/network", "livedeck/dnsmasq.conf"]);
  });

  it("run() links the consumed files into tree/ and writes the rest", async () => {
    const dir = await mkdtemp(join(tmpdir(), "livedeck-gm-"));
    const inputs: Record<string, string> = {};
    for (const role of ["initrd", "layer:guest-base", "layer:jeos", "layer:server"]) {
      const d = join(dir, role.replace(":", "-"));
      await mkdir(d);
      for (const f of role === "initrd" ? ["vmlinuz", "initrd.img"] : ["layer.squashfs"])
        await writeFile(join(d, f), `${role}/${f}`);
      inputs[role] = d;
    }
    const r = await runStage(guestsMedium, opts, { dir, debs: dir, inputs });
    expect(r.report).toMatchObject({ guests: 3, layers: 3 });
    const tree = join(r.out, "tree");
    expect(await readFile(join(tree, "livedeck/layers/jeos.squashfs"), "utf8")).toBe(
      "layer:jeos/layer.squashfs",
    );
    expect((await stat(join(tree, "livedeck/layers/jeos.squashfs"))).ino).toBe(
      (await stat(join(inputs["layer:jeos"]!, "layer.squashfs"))).ino,
    );
    expect(await readFile(join(tree, "livedeck/guests/1-micro.cfg"), "utf8")).toContain('name = "micro"');
  });

  it("declares its fixed role, no host tools, no input files", () => {
    expect(guestsMedium.consumes).toEqual(["initrd"]);
    expect(guestsMedium.tools).toEqual([]);
    expect(guestsMedium.inputs(opts)).toEqual([]);
  });

  it.each([
    ["an unknown key", { extra: 1 }, [], "Unrecognized key(s) in object: 'extra'"],
    [
      "a layer name with a slash",
      { guests: [{ ...opts.guests[1], layers: ["../x"] }] },
      ["guests", 0, "layers", 0],
      "Invalid",
    ],
    [
      "a network mode that does not exist",
      { network: { mode: "nat", subnet: "10.0.0.0/24" } },
      ["network", "mode"],
      "Invalid enum value",
    ],
  ])("rejects %s", (_, patch, path, message) => {
    const r = GuestsMediumOptions.safeParse({ ...opts, ...patch });
    expect(r.success).toBe(false);
    expect(r.error!.issues[0]!.path).toEqual(path);
    expect(r.error!.issues[0]!.message).toContain(message);
  });
});
