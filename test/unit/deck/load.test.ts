import { mkdir, mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { loadDeck } from "../../../src/deck/load.ts";
import { DEFAULT_STATE_CPUS } from "../../../src/formats/state-meta.ts";

const shipped = join(import.meta.dirname, "../../../flavours");

describe("shipped decks and flavours", () => {
  it("every deck in flavours/ loads, and together they use every flavour file", async () => {
    const files = await readdir(shipped);
    const decks = files.filter((f) => f.endsWith(".deck.yaml"));
    const flavourFiles = files.filter((f) => f.endsWith(".yaml") && !f.endsWith(".deck.yaml"));
    expect(decks).toEqual(expect.arrayContaining(["demo.deck.yaml", "ci.deck.yaml"]));
    const used = new Set<string>();
    for (const d of decks)
      for (const name of (await loadDeck(join(shipped, d))).flavours.keys()) used.add(name);
    expect([...used].sort()).toEqual(flavourFiles.map((f) => f.slice(0, -5)).sort());
  });

  it("demo: micro, jeos and server guests, an ISO", async () => {
    const { deck, flavours } = await loadDeck(join(shipped, "demo.deck.yaml"));
    expect(deck.name).toBe("demo");
    expect(deck.guests.map((g) => [g.name, g.flavour])).toEqual([
      ["micro", "micro"],
      ["jeos", "jeos"],
      ["server", "server"],
    ]);
    expect(deck.outputs).toEqual(["iso"]);
    const f = (n: string) => flavours.get(n)!.flavour;
    expect([f("micro").base, f("micro").memory, f("micro").installable]).toEqual(["busybox", 96, false]);
    expect([f("jeos").base, f("jeos").memory, f("jeos").installable]).toEqual(["minbase", 128, true]);
    expect(f("jeos").packages).toContain("openssh-server");
    expect([f("server").base, f("server").memory, f("server").installable]).toEqual(["jeos", 384, true]);
    expect(f("server").packages).toEqual(expect.arrayContaining(["nginx-light", "mariadb-server"]));
  });

  it("ci: dom0 plus two micro guests and a plain Debian one, 1 s menu", async () => {
    const { deck } = await loadDeck(join(shipped, "ci.deck.yaml"));
    expect(deck.name).toBe("ci");
    expect(deck.guests.map((g) => [g.name, g.flavour, g.autostart])).toEqual([
      ["micro1", "micro", true],
      ["micro2", "micro", true],
      ["deb", "debian", true],
    ]);
    expect(deck.dom0.memory).toBe(1024);
    expect(deck.boot.timeout).toBe(1);
  });
});

describe("defaults", () => {
  let dir = "";
  afterEach(() => rm(dir, { recursive: true, force: true }));

  async function write(files: Record<string, string>) {
    dir = await mkdtemp(join(tmpdir(), "livedeck-deck-"));
    for (const [name, text] of Object.entries(files)) {
      await mkdir(join(dir, name, ".."), { recursive: true });
      await writeFile(join(dir, name), text);
    }
    return join(dir, "x.deck.yaml");
  }

  it("fills every key a minimal deck leaves out", async () => {
    const { deck, flavours } = await loadDeck(await write({ "x.deck.yaml": "name: x\n" }));
    expect(deck).toEqual({
      name: "x",
      description: "",
      suite: "bookworm",
      mirror: "host",
      dom0: {
        memory: 1536,
        vcpus: 2,
        packages: [],
        prune: { keep: [], remove: [] },
        compression: { level: 9 },
      },
      guests: [],
      network: { mode: "routed", subnet: "172.20.216.0/24" },
      boot: { timeout: 5, default: "demo", label: "LIVEDECK", params: [] },
      target: { memory: 3072 },
      states: { cpus: DEFAULT_STATE_CPUS, level: 19, long: false },
      outputs: ["iso"],
    });
    expect(flavours.size).toBe(0);
  });

  it("fills a minimal guest and flavour, and resolves a script beside the flavour", async () => {
    const deckFile = await write({
      "x.deck.yaml": "name: x\nguests:\n  - name: g\n    flavour: f\n",
      "f.yaml": "name: f\nscript: scripts/setup.sh\n",
      "scripts/setup.sh": "#!/bin/sh\n",
    });
    const { deck, flavours } = await loadDeck(deckFile);
    expect(deck.guests).toEqual([{ name: "g", flavour: "f", autostart: true }]);
    const f = flavours.get("f")!;
    expect(f.flavour).toEqual({
      name: "f",
      description: "",
      base: "minbase",
      packages: [],
      exclude: [],
      memory: 128,
      vcpus: 1,
      services: [],
      script: "scripts/setup.sh",
      installable: false,
    });
    expect(f.file).toBe(join(dir, "f.yaml"));
    expect(f.script).toBe(join(dir, "scripts/setup.sh"));
  });

  it("loads each flavour of a layer chain once, however many guests use it", async () => {
    const deckFile = await write({
      "x.deck.yaml": "name: x\nguests:\n  - { name: a, flavour: top }\n  - { name: b, flavour: mid }\n",
      "top.yaml": "name: top\nbase: mid\n",
      "mid.yaml": "name: mid\nbase: busybox\nmemory: 48M\n",
    });
    const { flavours } = await loadDeck(deckFile);
    expect([...flavours.keys()]).toEqual(["top", "mid"]);
    expect(flavours.get("mid")!.flavour.memory).toBe(48);
  });
});
