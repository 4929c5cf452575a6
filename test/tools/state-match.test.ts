import { createHash } from "node:crypto";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { execa } from "execa";
import { beforeAll, describe, expect, it } from "vitest";
import { setEnvText, stateMetaText, stateZstdArgv, STATES_DIR } from "../../src/formats/state-meta.ts";
import { ROOT } from "../helpers/cli.ts";
import { scratch } from "../helpers/scratch.ts";

/**
 * dom0's state selection (initrd-skel/dom0/usr/lib/livedeck/state-match, with state-facts) run by
 * the host's sh on a medium tree written by the build's own metadata functions: which saved state a
 * machine may restore, and the reason it cold-boots instead.
 */
const BIN = join(ROOT, "initrd-skel/dom0/usr/lib/livedeck");
const sha = (b: string | Buffer) => createHash("sha256").update(b).digest("hex");
const CPUINFO = (vendor: string, level: number, flags: string) =>
  `processor\t: 0\nvendor_id\t: ${vendor}\ncpu family\t: 6\nmodel\t\t: 26\nmodel name\t: Intel Core i7 9xx (Nehalem Class Core i7)\ncpuid level\t: ${level}\nflags\t\t: ${flags}\n\nprocessor\t: 1\nvendor_id\t: ${vendor}\n`;
const CONFIG = `name = "micro1"\ndisk = [ 'target=/run/medium/livedeck/layers/base.squashfs' ]\n`;
const STATE = Buffer.from("a saved domain, compressed");

let medium: string;
async function facts(name: string, text: string) {
  const f = join(medium, name);
  await writeFile(f, text);
  return f;
}

/** dom0's checked boot parameters (params' output); none unless a test writes some. */
const NO_PARAMS = "/nonexistent/livedeck-params";

async function match(env: { cpuinfo: string; xen?: string; config?: string; name?: string; params?: string }) {
  const config = await facts(`cfg-${Math.random()}`, env.config ?? CONFIG);
  const r = await execa("sh", [join(BIN, "state-match"), medium, env.name ?? "micro1", config], {
    reject: false,
    env: {
      PATH: `${BIN}:${process.env.PATH}`,
      LIVEDECK_CPUINFO: env.cpuinfo,
      LIVEDECK_XEN_VERSION: env.xen ?? "4.17.3",
      LIVEDECK_PARAMS: env.params ?? NO_PARAMS,
    },
  });
  return { ok: r.exitCode === 0, out: String(r.stdout).trim() };
}

const newDir = scratch("livedeck-state-match-");

describe("state-match", () => {
  let intel: string;
  beforeAll(async () => {
    medium = await newDir();
    const dir = join(medium, STATES_DIR, "GenuineIntel");
    await mkdir(dir, { recursive: true });
    await mkdir(join(medium, "livedeck/layers"), { recursive: true });
    await writeFile(join(medium, "livedeck/layers/base.squashfs"), "layer!");
    intel = await facts("cpuinfo-intel", CPUINFO("GenuineIntel", 11, "fpu sse4_2 popcnt"));
    const saved = (
      await execa("sh", [join(BIN, "state-facts")], {
        env: {
          LIVEDECK_CPUINFO: await facts("cpuinfo-saved", CPUINFO("GenuineIntel", 11, "fpu sse4_2")),
          LIVEDECK_XEN_VERSION: "4.17.3",
          LIVEDECK_PARAMS: NO_PARAMS,
        },
      })
    ).stdout;
    const kv = saved
      .split("\n")
      .map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)] as [string, string]);
    expect(kv).toContainEqual(["vendor", "GenuineIntel"]);
    expect(kv).toContainEqual(["cpuid_level", "11"]);
    await writeFile(join(dir, "set.env"), setEnvText(kv, { cpuModel: "Nehalem", zstd: "-19" }));
    await writeFile(join(dir, "micro1.zst"), STATE);
    await writeFile(
      join(dir, "micro1.meta"),
      stateMetaText({
        configSha256: sha(CONFIG),
        layers: [{ path: "livedeck/layers/base.squashfs", bytes: 6, sha256: sha("layer!") }],
        rawBytes: 1000,
        stateBytes: STATE.length,
        stateSha256: sha(STATE),
      }),
    );
    await writeFile(join(dir, "micro2.zst"), Buffer.from(STATE).fill(0x41, 3, 4)); // one byte changed
    await writeFile(join(dir, "micro2.meta"), (await execa("cat", [join(dir, "micro1.meta")])).stdout + "\n");
    await writeFile(join(dir, "micro3.zst"), STATE.subarray(0, 10)); // truncated
    await writeFile(join(dir, "micro3.meta"), (await execa("cat", [join(dir, "micro1.meta")])).stdout + "\n");
  });

  it("picks the guest's state on the vendor and Xen it was saved on, a newer CPU of the vendor included", async () => {
    expect(await match({ cpuinfo: intel })).toEqual({
      ok: true,
      out: join(medium, STATES_DIR, "GenuineIntel/micro1.zst"),
    });
  });

  it("leaves a state's content to zstd's frame checksum: one byte changed passes here, and zstd -dc refuses it", async () => {
    expect((await match({ cpuinfo: intel, name: "micro2" })).ok).toBe(true);
    const raw = join(medium, "state.raw");
    // a guest's RAM image in miniature: structured, compressible, not all zero
    await writeFile(raw, Buffer.from(Array.from({ length: 1 << 20 }, (_, i) => (i * 7919) % 251)));
    const zst = join(medium, "state.zst");
    const [bin, ...args] = stateZstdArgv(3, true, raw, zst);
    await execa(bin!, args);
    const bytes = await readFile(zst);
    bytes[bytes.length >> 1]! ^= 0x55;
    await writeFile(zst, bytes);
    const r = await execa("zstd", ["-dc", "--long=27", zst], { reject: false, encoding: "buffer" });
    expect(r.exitCode).not.toBe(0);
  });

  it.each([
    ["another CPU vendor", { cpuinfo: "amd" }, "no saved states for CPU vendor AuthenticAMD on the medium"],
    ["another Xen", { xen: "4.18.0" }, "states saved on Xen 4.17.3, this is Xen 4.18.0"],
    ["a lower CPUID level", { cpuinfo: "level9" }, "states need CPUID level 11, this CPU has 9"],
    ["a CPU lacking a flag", { cpuinfo: "nosse" }, "states need CPU flag sse4_2, which this CPU lacks"],
    ["no state of the guest", { name: "micro9" }, "no saved state of micro9 for GenuineIntel"],
    ["another xl config", { config: CONFIG.replace("micro1", "other") }, "the xl config of micro1 differs"],
    ["a truncated state", { name: "micro3" }, "is truncated or padded"],
  ])("cold-boots on %s, saying why", async (_, env, why) => {
    const cpus: Record<string, string> = {
      amd: CPUINFO("AuthenticAMD", 11, "fpu sse4_2"),
      level9: CPUINFO("GenuineIntel", 9, "fpu sse4_2"),
      nosse: CPUINFO("GenuineIntel", 11, "fpu popcnt"),
    };
    const cpuinfo = "cpuinfo" in env ? await facts(`cpuinfo-${env.cpuinfo}`, cpus[env.cpuinfo]!) : intel;
    const config = "config" in env ? env.config : undefined;
    const name = "name" in env ? env.name : undefined;
    const r = await match({ cpuinfo, xen: "xen" in env ? env.xen : undefined, config, name });
    expect(r.ok).toBe(false);
    expect(r.out).toContain(why);
  });

  it("cold-boots when this boot hands guests other parameters than the states were saved with", async () => {
    const params = await facts("params-tz", "label='LIVEDECK'\nguest_params='livedeck.timezone=Europe/Berlin livedeck.tz=CET-1CEST,M3.5.0,M10.5.0/3'\n");
    expect(await match({ cpuinfo: intel, params })).toEqual({
      ok: false,
      out: "the boot parameters for guests ('livedeck.timezone=Europe/Berlin livedeck.tz=CET-1CEST,M3.5.0,M10.5.0/3') differ from the states' (''): a restored guest keeps those it was saved with",
    });
  });

  it("cold-boots when a layer image on the medium is not the one the state was saved with", async () => {
    await writeFile(join(medium, "livedeck/layers/base.squashfs"), "layer changed");
    try {
      const r = await match({ cpuinfo: intel });
      expect(r).toEqual({
        ok: false,
        out: "layer livedeck/layers/base.squashfs differs from the one its state was saved with",
      });
    } finally {
      await writeFile(join(medium, "livedeck/layers/base.squashfs"), "layer!");
    }
  });
});
