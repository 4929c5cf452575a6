import { stat } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { stepSeconds, type Broker } from "../../../../src/dom0/broker/broker.ts";
import { fakeDom0, HASH, request } from "./fake-dom0.ts";
import { HOSTILE } from "./hostile.ts";
import { requiredTargetBytes } from "../../../../src/install/layout.ts";
import { formatSize } from "../../../../src/dom0/broker/disks.ts";

async function settled(b: Broker): Promise<void> {
  for (let i = 0; i < 50 && b.jobs().some((j) => j.state === "installing"); i++)
    await new Promise((r) => setTimeout(r, 1));
}

describe("Broker", () => {
  it("takes a valid request from an installable guest, removes it and tells the guest it waits", async () => {
    const d = fakeDom0();
    expect(await d.ask(3, request())).toMatchObject({ id: "req00001", state: "waiting" });
    expect(d.requests.has(3)).toBe(false);
    const [job] = d.broker.waiting();
    expect(job).toMatchObject({
      domid: 3,
      guest: "deb",
      flavour: "jeos",
      needBytes: requiredTargetBytes(3e9),
    });
    // the guest's layers and its flavour's install root beside them
    expect(job!.layers).toEqual(["/m/base.squashfs", "/m/jeos.squashfs", "/m/jeos+install.squashfs"]);
    expect(d.lines.at(-1)).toMatch(/deb asks to install jeos as box/);
  });

  it("lists the disks with the boot medium and too small ones refused", async () => {
    const d = fakeDom0();
    await d.ask(3, request());
    const disks = await d.broker.disks(d.broker.waiting()[0]!.id);
    expect(disks.map((x) => [x.name, x.refusals])).toEqual([
      ["sda", []],
      ["sdb", ["holds the boot medium", "has a mounted filesystem (sdb)"]],
      ["vda", [`is too small: jeos needs ${formatSize(requiredTargetBytes(3e9))}`]],
    ]);
  });

  it("refuses the boot medium on confirm, then installs to the chosen disk and streams progress", async () => {
    const d = fakeDom0();
    await d.ask(3, request({ withXen: true }));
    const id = d.broker.waiting()[0]!.id;
    expect(await d.broker.confirm(id, "sdb")).toBe(
      "sdb holds the boot medium, has a mounted filesystem (sdb)",
    );
    expect(await d.broker.confirm(id, "nvme9")).toBe("nvme9 is gone");
    expect(await d.broker.confirm(id, "sda")).toBeNull();
    await settled(d.broker);
    const [r, o] = d.installs[0]!;
    expect(r).toEqual({
      flavour: "jeos",
      hostname: "box",
      user: "anna",
      passwordHash: HASH,
      withXen: true,
      target: { kind: "device", path: "/dev/sda" },
    });
    expect(o.source).toEqual({
      kind: "layers",
      images: [
        "/m/base.squashfs",
        "/m/jeos.squashfs",
        "/m/jeos+install.squashfs",
        "/m/jeos+install+xen.squashfs",
      ],
    });
    expect(d.statuses.map(([, s]) => [s.state, s.step ?? null, s.percent ?? null])).toEqual([
      ["waiting", null, null],
      ["installing", "check", 0],
      ["installing", "copy", 50],
      ["done", null, 100],
    ]);
    expect(d.broker.jobs()[0]!.state).toBe("done");
  });

  it("refuses a request the medium has no install image for (here: with Xen), naming the missing file", async () => {
    const d = fakeDom0();
    d.io.treeBytes = async (images) => {
      const missing = images.find((i) => i.endsWith("+xen.squashfs"));
      if (missing) await stat(missing); // fs's own ENOENT error (code, path), as dom0's io gets it
      return images.length * 1e9;
    };
    expect(await d.ask(3, request({ withXen: true }))).toMatchObject({
      state: "refused",
      message: expect.stringMatching(
        /^this medium cannot install jeos with Xen: it has no \S*jeos\+install\+xen\.squashfs; install without Xen, or make a disk with Xen on the build host \(livedeck install --with-xen\)$/,
      ),
    });
    expect(d.broker.waiting()).toEqual([]);
    expect(await d.ask(3, request({ id: "req00002" }))).toMatchObject({ state: "waiting" });
  });

  it("logs where an install's time went, step by step", () => {
    expect(stepSeconds({ check: 1.24, partition: 0.5, copy: 61 })).toBe(
      "check 1.2, partition 0.5, copy 61.0",
    );
  });

  it("reports the failed step to the guest", async () => {
    const d = fakeDom0(async () => ({
      ok: false,
      step: "bootloader",
      message: "grub-install failed",
      rolledBack: "wiped",
    }));
    await d.ask(3, request());
    await d.broker.confirm(d.broker.waiting()[0]!.id, "sda");
    await settled(d.broker);
    expect(d.statuses.at(-1)![1]).toMatchObject({ state: "failed", step: "bootloader" });
    expect(String(d.statuses.at(-1)![1].message)).toMatch(
      /failed at step bootloader: grub-install failed \(disk wiped\)/,
    );
  });

  it("an installer that throws is a failure, not a crash", async () => {
    const d = fakeDom0(async () => {
      throw new Error("boom");
    });
    await d.ask(3, request());
    await d.broker.confirm(d.broker.waiting()[0]!.id, "sda");
    await settled(d.broker);
    expect(d.statuses.at(-1)![1]).toMatchObject({ state: "failed", step: "check" });
  });

  it("refuses non-installable flavours, unknown domains, repeats and malformed requests", async () => {
    const d = fakeDom0();
    expect(await d.ask(4, request())).toMatchObject({
      state: "refused",
      message: expect.stringMatching(/micro is not installable/),
    });
    expect(await d.ask(5, request())).toMatchObject({
      state: "refused",
      message: expect.stringMatching(/not one of the medium's guests/),
    });
    expect(await d.ask(3, request())).toMatchObject({ state: "waiting" });
    expect(await d.ask(3, request({ id: "req00002" }))).toMatchObject({
      id: "req00002",
      state: "refused",
      message: "a request from deb is already waiting",
    });
    d.tick(60_000);
    expect(await d.ask(3, '{"v":1,"disk":"/dev/sda"}')).toMatchObject({ id: null, state: "refused" });
    expect(d.broker.waiting()).toHaveLength(1);
  });

  it("rate-limits a guest: refuses once past 3 a minute, then drops silently until the window clears", async () => {
    const d = fakeDom0();
    for (let i = 0; i < 3; i++) await d.ask(4, request());
    const n = d.statuses.length;
    expect(await d.ask(4, request())).toMatchObject({
      state: "refused",
      message: expect.stringMatching(/too many requests/),
    });
    await d.ask(4, request());
    await d.ask(4, request());
    expect(d.statuses.length).toBe(n + 1);
    d.tick(61_000);
    expect(await d.ask(4, request())).toMatchObject({ message: expect.stringMatching(/not installable/) });
  });

  it("declining tells the guest; a gone domain's waiting job is dropped", async () => {
    const d = fakeDom0();
    await d.ask(3, request());
    await d.broker.decline(d.broker.waiting()[0]!.id);
    expect(d.statuses.at(-1)![1]).toMatchObject({ state: "refused", message: "declined at the PC" });
    d.tick(60_000);
    await d.ask(3, request());
    d.broker.prune(new Set([0, 4]));
    expect(d.broker.waiting()).toEqual([]);
  });

  it("never throws, whatever the io does", async () => {
    const d = fakeDom0();
    d.io.readRequest = async () => {
      throw new Error("xenstore-read died");
    };
    await expect(d.broker.onRequest(3)).resolves.toBeUndefined();
    expect(d.lines.at(-1)).toMatch(/not handled: xenstore-read died/);
    d.io.readRequest = async () => request();
    d.io.writeStatus = async () => {
      throw new Error("domain gone");
    };
    await expect(d.broker.onRequest(3)).resolves.toBeUndefined();
  });

  // xenstore hands over text, or nothing for a missing node (then there is nothing to answer)
  it.each(HOSTILE.filter(([, raw]) => typeof raw === "string"))(
    "turns no hostile request into a job, answers it with a refusal, never throws: %s",
    async (what, raw) => {
      const d = fakeDom0();
      d.requests.set(3, raw as string);
      await expect(d.broker.onRequest(3), what).resolves.toBeUndefined();
      expect(d.broker.jobs(), what).toEqual([]);
      expect(
        d.statuses.map(([, s]) => s.state),
        what,
      ).toEqual(["refused"]);
    },
  );
});
