import { describe, expect, it } from "vitest";
import { Controller } from "../../../src/switcher/controller.ts";
import { demoConsoleArgv, demoSetup } from "../../../src/switcher/demo.ts";
import { installKey, openDialog } from "../../../src/switcher/install-dialog.ts";
import { fakeDom0, request } from "../dom0/broker/fake-dom0.ts";
import { XL_FIXTURES } from "../dom0/fixtures.ts";
import { Recorder, until } from "./recorder.ts";

/** The switcher on the demo stand-in with a broker over the in-memory dom0 of the broker tests. */
async function setup(install?: Parameters<typeof fakeDom0>[0]) {
  const demo = await demoSetup(XL_FIXTURES, { createMs: 20, shutdownMs: 20 });
  // the demo's running guest tiny (domain 1) runs an installable flavour here
  const dom0 = fakeDom0(install, {
    1: { name: "tiny", info: { flavour: "jeos", installable: true, layers: ["/m/base.squashfs", "/m/jeos.squashfs"] } },
  });
  const view = new Recorder();
  const c = new Controller({
    io: demo.io,
    poll: { mediumDir: demo.mediumDir, consoleLogDir: demo.consoleLogDir },
    view,
    demo: true,
    allowQuit: true,
    shutdownTimeoutMs: 2000,
    pollMs: 60_000,
    consoleArgv: demoConsoleArgv,
    viewArgv: demoConsoleArgv,
    shellArgv: ["/bin/sh", "-l"],
    broker: dom0.broker,
  });
  await c.start();
  return { c, view, dom0 };
}

const dialogText = (v: Recorder) => (v.last.dialog ?? []).map((l) => l.text).join("\n");

describe("install dialog keys", () => {
  const job = { id: 7 } as never;
  const disks = [
    { name: "sr0", path: "/dev/sr0", model: "DVD", sizeBytes: 1e9, refusals: ["holds the boot medium"] },
    { name: "vda", path: "/dev/vda", model: "disk", sizeBytes: 9e9, refusals: [] },
  ];
  it("opens on the first free disk, refuses a refused one with its reason, installs the chosen one", () => {
    const d = openDialog(job, disks);
    expect(d.selected).toBe(1);
    const up = installKey(d, "k").dialog!;
    expect(installKey(up, "enter")).toEqual({ dialog: up, effect: { kind: "say", text: "/dev/sr0 holds the boot medium" } });
    expect(installKey(installKey(up, "j").dialog!, "enter")).toEqual({ dialog: null, effect: { kind: "install", jobId: 7, disk: "vda" } });
    expect(installKey(d, "n").effect).toEqual({ kind: "decline", jobId: 7 });
    expect(installKey(d, "escape").effect).toEqual({ kind: "later", jobId: 7 });
    expect(installKey(d, "x")).toEqual({ dialog: d });
  });
});

describe("controller with an install broker", () => {
  it("shows a guest's request with the disks, refused ones dimmed with the reason", async () => {
    const { view, dom0 } = await setup();
    await dom0.ask(1, request({ withXen: true }));
    await until(() => !!view.last.dialog, "the dialog");
    expect(dialogText(view)).toMatch(/Guest tiny asks to install flavour jeos/);
    expect(dialogText(view)).toMatch(/host name box, user anna, with Xen/);
    const lines = view.last.dialog!;
    expect(lines.find((l) => l.text.includes("/dev/sdb"))).toMatchObject({ dim: true, text: expect.stringMatching(/sdb .* holds the boot medium/) });
    expect(lines.find((l) => l.text.includes("/dev/vda"))).toMatchObject({ dim: true, text: expect.stringMatching(/too small/) });
    expect(lines.find((l) => l.text.includes("/dev/sda"))).toMatchObject({ selected: true, text: expect.stringMatching(/^> \/dev\/sda +model-sda +500 GB$/) });
  });

  it("Enter installs to the selected disk; progress and the end reach the status line, the log and the guest", async () => {
    const { c, view, dom0 } = await setup();
    await dom0.ask(1, request());
    await until(() => !!view.last.dialog, "the dialog");
    c.key("enter");
    await until(() => dom0.statuses.at(-1)?.[1].state === "done", "done");
    expect(dom0.installs[0]![0].target).toEqual({ kind: "device", path: "/dev/sda" });
    expect(view.last.dialog).toBeNull();
    expect(dom0.lines.some((l) => /installed jeos as box on \/dev\/sda/.test(l))).toBe(true);
    expect(view.frames.some((f) => /installing jeos for tiny to \/dev\/sda: 50% copy: copying/.test(f.status))).toBe(true);
  });

  it("a refused disk keeps the dialog open and says why; n declines and tells the guest", async () => {
    const { c, view, dom0 } = await setup();
    await dom0.ask(1, request());
    await until(() => !!view.last.dialog, "the dialog");
    c.key("j");
    c.key("enter");
    expect(view.lines.at(-1)).toBe("/dev/sdb holds the boot medium, has a mounted filesystem (sdb)");
    expect(view.last.dialog).not.toBeNull();
    c.key("n");
    await until(() => dom0.statuses.at(-1)?.[1].message === "declined at the PC", "declined");
    expect(dom0.installs).toEqual([]);
    expect(view.last.dialog).toBeNull();
  });

  it("Esc puts the request off (the status line says so), i shows it again; other keys go to the list meanwhile", async () => {
    const { c, view, dom0 } = await setup();
    await dom0.ask(1, request());
    await until(() => !!view.last.dialog, "the dialog");
    c.key("escape");
    expect(view.last.dialog).toBeNull();
    expect(view.last.status).toMatch(/install request from tiny waiting: i shows it/);
    c.key("i");
    await until(() => !!view.last.dialog, "the dialog again");
  });

  it("a request that comes while a console has the terminal shows when the list is back", async () => {
    const { c, view, dom0 } = await setup();
    view.attachedDuring = async () => {
      await dom0.ask(1, request());
      expect(c.installDialog).toBeNull();
    };
    c.key("enter");
    await until(() => !!view.last.dialog, "the dialog after the console");
    expect(view.ran).toHaveLength(1);
  });
});
