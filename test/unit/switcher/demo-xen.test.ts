import { describe, expect, it } from "vitest";
import { parseGuestSave } from "../../../src/dom0/guest-save.ts";
import { parseGuestStart } from "../../../src/dom0/guest-start.ts";
import { parseXlList, parseXlUptime } from "../../../src/dom0/xl-parse.ts";
import { DemoXen, formatXlList } from "../../../src/switcher/demo-xen.ts";
import { fixture } from "../dom0/fixtures.ts";

const fixtures = {
  xlList: fixture("xl-list.txt"),
  xlListLong: fixture("xl-list-l.json"),
  xlInfo: fixture("xl-info.txt"),
  xlUptime: fixture("xl-uptime.txt"),
  xenstoreLs: fixture("xenstore-ls-f-local-domain.txt"),
  invalidDomain: fixture("xl-invalid-domain.stderr.txt"),
  createDuplicate: fixture("xl-create-duplicate.stderr.txt"),
};
const configs = new Map([
  ["/m/2-deb.cfg", { name: "deb", memoryMiB: 128, vcpus: 1 }],
  ["/m/3-t80.cfg", { name: "t80", memoryMiB: 80, vcpus: 1 }],
]);
const demo = () => new DemoXen(fixtures, () => 1_000_000, configs, { createMs: 1, shutdownMs: 1 });

describe("demo Xen (stand-in for --demo)", () => {
  it("prints xl list exactly as xl does", () => {
    for (const f of ["xl-list.txt", "xl-list-paused.txt", "xl-list-running.txt", "xl-list-shutdown.txt"])
      expect(formatXlList(parseXlList(fixture(f)))).toBe(fixture(f));
  });

  it("starts from the recorded list and uptimes", async () => {
    const x = demo();
    expect((await x.run(["xl", "list"])).stdout).toBe(fixture("xl-list.txt"));
    expect(parseXlUptime((await x.run(["xl", "uptime"])).stdout)).toEqual(
      parseXlUptime(fixture("xl-uptime.txt")),
    );
  });

  it("pauses, resumes, destroys; an unknown name fails as xl does", async () => {
    const x = demo();
    await x.run(["xl", "pause", "tiny"]);
    const state = async () => parseXlList((await x.run(["xl", "list"])).stdout).map((d) => d.state);
    expect(await state()).toEqual(["r-----", "--p---", "---sc-"]);
    await x.run(["xl", "unpause", "tiny"]);
    await x.run(["xl", "destroy", "t80"]);
    expect(await state()).toEqual(["r-----", "-b----"]);
    expect(await x.run(["xl", "pause", "nosuch"])).toEqual({
      stdout: "",
      stderr: "nosuch is an invalid domain identifier (rc=-6)\n",
      code: 1,
    });
  });

  it("creates from a config, refuses a duplicate and a missing config", async () => {
    const x = demo();
    expect((await x.run(["xl", "create", "/m/2-deb.cfg"])).code).toBe(0);
    expect(parseXlList((await x.run(["xl", "list"])).stdout).at(-1)).toMatchObject({
      name: "deb",
      id: 3,
      memMiB: 128,
    });
    const dup = await x.run(["xl", "create", "/m/3-t80.cfg"]);
    expect(dup.code).toBe(3);
    expect(dup.stderr).toContain('Domain with name "t80" already exists.');
    expect((await x.run(["xl", "create", "/m/9-x.cfg"])).stderr).toMatch(
      /^Failed to read config file: \/m\/9-x\.cfg/,
    );
  });

  it("answers guest-start as dom0's does without saved states: a cold boot, saying why", async () => {
    const x = demo();
    const r = await x.run(["guest-start", "deb", "/m/2-deb.cfg"]);
    expect(parseGuestStart("deb", r.stdout)).toEqual({ how: "cold", reason: "no saved states in demo mode" });
    expect(parseXlList((await x.run(["xl", "list"])).stdout).at(-1)).toMatchObject({ name: "deb" });
    expect((await x.run(["guest-start", "deb", "/m/2-deb.cfg"])).code).toBe(3);
  });

  it("answers guest-save as dom0's does: the domain goes, it is saved; guest-start restores it", async () => {
    const x = demo();
    await x.run(["guest-start", "deb", "/m/2-deb.cfg"]);
    const r = await x.run(["guest-save", "deb", "ram"]);
    expect(parseGuestSave("deb", r.stdout)).toMatchObject({
      saved: true,
      where: "ram",
      path: "/run/livedeck/saved/deb.zst",
    });
    expect(x.saved.get("deb")).toBe("ram");
    expect(parseXlList((await x.run(["xl", "list"])).stdout).map((d) => d.name)).not.toContain("deb");
    const again = await x.run(["guest-save", "deb", "disk"]);
    expect(again.code).toBe(1);
    expect(parseGuestSave("deb", again.stdout)).toEqual({ saved: false, reason: "deb is not running" });
    const back = await x.run(["guest-start", "deb", "/m/2-deb.cfg"]);
    expect(parseGuestStart("deb", back.stdout)).toEqual({ how: "restored" });
    expect(x.saved.has("deb")).toBe(false);
  });

  it("accounts the hypervisor's free memory for the guests it runs", async () => {
    const free = async (x: DemoXen) =>
      Number(/^free_memory\s+:\s+(\d+)/m.exec((await x.run(["xl", "info"])).stdout)![1]);
    const x = demo();
    const before = await free(x);
    await x.run(["xl", "create", "/m/2-deb.cfg"]);
    expect(before - (await free(x))).toBe(130);
  });

  it("adds what was written to xenstore to its listing", async () => {
    const x = demo();
    await x.run(["xenstore-write", "/local/domain/1/livedeck/boot", "cold"]);
    expect((await x.run(["xenstore-ls", "-f", "/local/domain"])).stdout).toMatch(
      /\n\/local\/domain\/1\/livedeck\/boot = "cold"\n$/,
    );
  });

  it("says what it cannot answer", async () => {
    expect(await demo().run(["xl", "save", "tiny", "/x"])).toMatchObject({
      code: 127,
      stderr: "xl: not recorded for the demo: xl save tiny /x",
    });
  });
});
