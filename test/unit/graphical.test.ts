import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadDeck } from "../../src/deck/load.ts";
import { parseGuestConfig } from "../../src/dom0/medium.ts";
import { planSteps } from "../../src/pipeline/plan.ts";
import { VIEWER_PACKAGES } from "../../src/pipeline/plan-viewer.ts";
import { mediumFiles, type GuestsMediumOptions } from "../../src/stages/guests-medium.ts";
import { handleKey, INITIAL_UI } from "../../src/switcher/keys.ts";
import { desktopAddress, parseDesktopList, type Row } from "../../src/switcher/model.ts";
import { ROOT } from "../helpers/cli.ts";

/** Graphical guests: the viewer layer in the plan, the medium's image, the switcher's view key. */
const SETTINGS = { mirror: "/etc/hostname", epoch: 1735689600, append: "" };

describe("the plan of a deck with graphical guests", () => {
  it("adds dom0's VNC tools once, layered on the shared base, and places their image on the medium", async () => {
    const steps = planSteps(await loadDeck(join(ROOT, "flavours/desktop.deck.yaml")), SETTINGS);
    const layer = steps.find((s) => s.key === "layer:viewer")!;
    expect(layer.consumes).toEqual({ base: "rootfs:guest-base" });
    expect((layer.options as { packages: string[] }).packages).toEqual(VIEWER_PACKAGES);
    expect(steps.find((s) => s.key === "squashfs:viewer")!.consumes).toEqual({ layer: "layer:viewer" });
    const medium = steps.find((s) => s.key === "guests-medium")!;
    expect(medium.consumes.viewer).toBe("squashfs:viewer");
    const files = mediumFiles(medium.options as GuestsMediumOptions).map((f) => f.path);
    expect(files).toContain("livedeck/viewer/viewer.squashfs");
    expect(files.filter((f) => f.startsWith("livedeck/layers/"))).toEqual([
      "livedeck/layers/guest-base.squashfs",
      "livedeck/layers/desktop.squashfs",
    ]);
  });

  it("adds nothing for a deck without one (the CI deck's ids stay put)", async () => {
    const steps = planSteps(await loadDeck(join(ROOT, "flavours/ci.deck.yaml")), SETTINGS);
    expect(steps.some((s) => s.key.endsWith(":viewer"))).toBe(false);
    expect(steps.find((s) => s.key === "guests-medium")!.options).not.toHaveProperty("viewer");
  });

  it("refuses a flavour named like the tools' layer", async () => {
    const dir = await mkdtemp(join(tmpdir(), "livedeck-viewer-"));
    await writeFile(join(dir, "x.deck.yaml"), "name: x\nguests:\n  - name: g\n    flavour: viewer\n");
    await writeFile(join(dir, "viewer.yaml"), "name: viewer\nservices: [vnc]\n");
    await expect(loadDeck(join(dir, "x.deck.yaml")).then((l) => planSteps(l, SETTINGS))).rejects.toThrow(
      /reserved for dom0's VNC tools/,
    );
  });
});

describe("graphical guests in dom0 and the switcher", () => {
  it("a medium config with a vnc service is graphical", () => {
    const cfg = (services: string) =>
      `name = "g"\nextra = "livedeck.name=g livedeck.flavour=desktop livedeck.services=${services}"\n`;
    expect(parseGuestConfig(cfg("vnc"), "/c")!.graphical).toBe(true);
    expect(parseGuestConfig(cfg("ssh,vnc"), "/c")!.graphical).toBe(true);
    expect(parseGuestConfig(cfg("vncd"), "/c")!.graphical).toBeUndefined();
  });

  it("shows where each desktop is, with this boot's password, in one 80-column line", () => {
    const outside = parseDesktopList("desk1 http://10.0.2.15:6080/vnc.html 10.0.2.15:5900\n\nbad line\n");
    expect([...outside.keys()]).toEqual(["desk1"]);
    const d = { password: "livedk42", outside };
    const line = ` desk1: VNC ${desktopAddress(d, "desk1", "172.20.216.13")}`;
    expect(line).toBe(" desk1: VNC 10.0.2.15:5900 web http://10.0.2.15:6080/vnc.html pw livedk42 v:view");
    expect(line.length).toBeLessThanOrEqual(80);
    expect(desktopAddress(d, "desk2", "172.20.216.14")).toBe("172.20.216.14:5900 pw livedk42 v:view");
    expect(desktopAddress(undefined, "desk2", null)).toBeNull();
  });

  it("v views a running graphical guest; says why not for others", () => {
    const row = (over: Partial<Row>): Row => ({
      name: "desk1",
      flavour: "desktop",
      state: "running",
      memMiB: 256,
      vcpus: 1,
      uptime: "1m",
      ip: "172.20.216.13",
      boot: "cold",
      id: 3,
      configPath: "/c",
      vnc: null,
      graphical: true,
      ...over,
    });
    const key = (r: Row) => handleKey(INITIAL_UI, "v", { rows: [r], busy: new Set(), allowQuit: false }).effect;
    expect(key(row({}))).toEqual({ kind: "view-desktop", name: "desk1" });
    expect(key(row({ graphical: false }))).toEqual({ kind: "say", text: expect.stringMatching(/has no desktop/) });
    expect(key(row({ id: null, state: "stopped" }))).toEqual({
      kind: "say",
      text: "desk1 is stopped: press s to start it",
    });
  });
});
