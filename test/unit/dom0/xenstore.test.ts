import { describe, expect, it } from "vitest";
import type { Runner } from "../../../src/dom0/run.ts";
import {
  parseXenstoreLs,
  unsanitise,
  Xenstore,
  XenstoreParseError,
  xsMap,
} from "../../../src/dom0/xenstore.ts";
import { fixture } from "./fixtures.ts";

describe("xenstore-ls", () => {
  it("reads the tree form and the -f form of the same store to the same nodes (captured)", () => {
    const tree = parseXenstoreLs(fixture("xenstore-ls-local-domain.txt"), "/local/domain");
    const full = parseXenstoreLs(fixture("xenstore-ls-f-local-domain.txt"), "/local/domain");
    expect(tree).toEqual(full);
    expect(tree).toHaveLength(full.length);
    const m = xsMap(full);
    expect(m.get("/local/domain/1/name")).toBe("tiny");
    expect(m.get("/local/domain/0/backend/vif/2/0/ip")).toBe("172.20.216.11");
    expect(m.get("/local/domain/1/console/tty")).toBe("/dev/pts/0");
    expect(m.get("/local/domain/1/data")).toBe("");
  });

  it("the same holds with two running guests, one with block devices (second capture)", () => {
    const tree = parseXenstoreLs(fixture("xenstore-ls-running.txt"), "/local/domain");
    expect(tree).toEqual(parseXenstoreLs(fixture("xenstore-ls-f-running.txt"), "/local/domain"));
    expect(tree.some((n) => n.truncated)).toBe(false);
    expect(xsMap(tree).get("/local/domain/2/name")).toBe("deb");
  });

  it("resolves tree names against the listed root", () => {
    const nodes = parseXenstoreLs(fixture("xenstore-ls-vif-backend.txt"), "/local/domain/0/backend/vif/");
    expect(nodes[0]).toEqual({ path: "/local/domain/0/backend/vif/1", value: "", truncated: false });
    expect(xsMap(nodes).get("/local/domain/0/backend/vif/1/0/mac")).toBe("00:16:3e:09:50:ab");
  });

  it("marks values cut at 80 columns and nodes it could not read", () => {
    const text = ' vm = "/vm/fbc50dee-e960-11f1-8bf3-721ea7450fb2-and-more-and-more-and-mo\\..."\nsecret:\n';
    const text2 = `a = ""\n${text}`;
    expect(parseXenstoreLs(text2, "/x")).toEqual([
      { path: "/x/a", value: "", truncated: false },
      {
        path: "/x/a/vm",
        value: "/vm/fbc50dee-e960-11f1-8bf3-721ea7450fb2-and-more-and-more-and-mo",
        truncated: true,
      },
      { path: "/x/secret", value: null, truncated: false },
    ]);
    expect(xsMap(parseXenstoreLs(text2, "/x")).has("/x/secret")).toBe(false);
  });

  it("undoes the tool's escapes", () => {
    expect(unsanitise("a\\tb\\nc\\\\d\\001")).toBe("a\tb\nc\\d\x01");
  });

  it("rejects lines it does not understand, and indentation that skips a level", () => {
    expect(() => parseXenstoreLs("what is this\n", "/")).toThrow(XenstoreParseError);
    expect(() => parseXenstoreLs('a = ""\n   b = ""\n', "/")).toThrow(/   b/);
  });
});

describe("Xenstore client", () => {
  const calls: string[][] = [];
  const run: Runner = async (argv) => {
    calls.push([...argv]);
    if (argv[0] === "xenstore-ls")
      return { stdout: fixture("xenstore-ls-f-local-domain.txt"), stderr: "", code: 0 };
    if (argv[1] === "/local/domain/1/name")
      return { stdout: fixture("xenstore-read-name.txt"), stderr: "", code: 0 };
    if (argv[0] === "xenstore-read")
      return { stdout: "", stderr: fixture("xenstore-read-missing.stderr.txt"), code: 1 };
    if (argv[0] === "xenstore-write")
      return { stdout: "", stderr: "xenstore-write: could not write path /x\n", code: 1 };
    throw new Error("unexpected");
  };
  const xs = new Xenstore(run);

  it("lists with -f, so nothing is cut", async () => {
    expect((await xs.ls("/local/domain")).length).toBeGreaterThan(100);
    expect(calls[0]).toEqual(["xenstore-ls", "-f", "/local/domain"]);
  });

  it("reads a value, null for a missing node", async () => {
    expect(await xs.read("/local/domain/1/name")).toBe("tiny");
    expect(await xs.read("/local/domain/1/nosuchkey")).toBeNull();
  });

  it("throws the tool's message when a write fails", async () => {
    await expect(xs.write("/x", "y")).rejects.toThrow(
      "xenstore-write /x y: xenstore-write: could not write path /x",
    );
  });

  it("watches with xenstore-watch", () => {
    expect(Xenstore.watchArgv("/local/domain")).toEqual(["xenstore-watch", "/local/domain"]);
  });
});
