import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bootParamProblem } from "../../src/deck/boot-params.ts";
import { requireTools } from "../../src/tools/doctor.ts";
import { ROOT } from "../helpers/cli.ts";

/**
 * dom0's boot parameter reader (initrd-skel/dom0/usr/lib/livedeck/params) on a corpus of command
 * lines, run by the shells that run it for real: dash (dom0's /bin/sh) and busybox sh.
 */
const PARAMS = join(ROOT, "initrd-skel/dom0/usr/lib/livedeck/params");
const SHELLS: string[][] = [["dash"], ["busybox", "sh"]];
const HASH6 =
  "$6$livedecksalt$20oho9r63jK9bxM4APNpbGBIoMoqQxZrRnZMdXmcODSaptXrOM7kEJsUdL5IsEQFqQ2Hs49vTHo2EsIqjOu6R1";
const HASH5 = "$5$abc$j0suzzwAOGkw.isSjNaoGDAg3yNc88rekLN.R3TgVTA";

let dir: string;
beforeAll(async () => {
  await requireTools(["dash", "busybox"], "the boot parameter tests");
  dir = await mkdtemp(join(tmpdir(), "livedeck-params-"));
  // A zoneinfo with two zones (TZif header … footer line = the POSIX rule) and one broken file.
  const tzif = (rule: string) => `TZif2\0\0\0binary part\n${rule}\n`;
  await mkdir(join(dir, "zoneinfo/Europe"), { recursive: true });
  await mkdir(join(dir, "zoneinfo/America"), { recursive: true });
  await writeFile(join(dir, "zoneinfo/Europe/Berlin"), tzif("CET-1CEST,M3.5.0,M10.5.0/3"));
  await writeFile(join(dir, "zoneinfo/America/Sao_Paulo"), tzif("<-03>3"));
  await writeFile(join(dir, "zoneinfo/UTC"), tzif("UTC0"));
  await writeFile(join(dir, "zoneinfo/Europe/Fake"), "not a zone file\n");
  await mkdir(join(dir, "locale/C.utf8"), { recursive: true });
  await mkdir(join(dir, "locale/de_DE.utf8"), { recursive: true });
  // console-data's layout: /usr/share/keymaps/i386/<family>/<name>.kmap.gz
  await mkdir(join(dir, "keymaps/i386/qwertz"), { recursive: true });
  await mkdir(join(dir, "keymaps/i386/azerty"), { recursive: true });
  await writeFile(join(dir, "keymaps/i386/qwertz/de.kmap.gz"), "");
  await writeFile(join(dir, "keymaps/i386/azerty/fr-latin1.kmap.gz"), "");
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

interface Parsed {
  vars: Record<string, string>;
  notes: string[];
  console: string[];
}

async function parse(shell: string[], cmdline: string): Promise<Parsed> {
  const out = join(dir, `params-${shell.join("-")}`);
  const r = await execa(shell[0]!, [...shell.slice(1), PARAMS, cmdline], {
    env: { LIVEDECK_ZONEINFO: join(dir, "zoneinfo"), LIVEDECK_LOCALES: join(dir, "locale"), LIVEDECK_KEYMAPS: join(dir, "keymaps"), LIVEDECK_PARAMS: out },
    reject: false,
  });
  expect(r.stderr).toBe("");
  expect(r.exitCode).toBe(0);
  const text = await readFile(out, "utf8");
  const vars: Record<string, string> = {};
  const notes: string[] = [];
  const lines = text.trimEnd().split("\n");
  expect(lines[0]).toBe(`# livedeck boot parameters, checked by params from: ${cmdline}`);
  for (const l of lines.slice(1)) {
    const m = /^([a-z_]+)='([^']*)'$/.exec(l);
    if (m) vars[m[1]!] = m[2]!;
    else if (l.startsWith("# ")) notes.push(l.slice(2));
    else throw new Error(`params wrote a line that is neither a setting nor a note: ${l}`);
  }
  return { vars, notes, console: String(r.stdout).split("\n").filter(Boolean) };
}

const DEFAULTS = {
  label: "LIVEDECK",
  rescue: "",
  debug: "",
  test: "",
  guests: "all",
  guest_timeout: "300",
  verbose: "",
  serial: "",
  timezone: "UTC",
  tz: "UTC0",
  net: "",
  net_addr: "",
  net_gw: "",
  net_dns: "",
  aptupdate: "",
  rootpw: "",
  nossh: "",
  toram: "",
  lang: "",
  keymap: "",
  noswitcher: "",
  fetch: "",
  manifest: "",
  mac: "",
  vncpw: "",
  prime: "",
  states: "on",
  guest_params: "",
};

/** Good command lines: what each sets beyond the defaults. */
const GOOD: [string, Partial<typeof DEFAULTS>][] = [
  ["BOOT_IMAGE=/vmlinuz console=hvc0 quiet", {}],
  [
    "console=hvc0 livedeck.label=DEMO_1 livedeck.rescue livedeck.debug livedeck.test=guests",
    { label: "DEMO_1", rescue: "1", debug: "1", test: "guests" },
  ],
  ["livedeck.guests=micro1,deb livedeck.guest-timeout=90", { guests: "micro1,deb", guest_timeout: "90" }],
  ["livedeck.guests=none", { guests: "none" }],
  [
    "livedeck.timezone=Europe/Berlin",
    {
      timezone: "Europe/Berlin",
      tz: "CET-1CEST,M3.5.0,M10.5.0/3",
      guest_params: "livedeck.timezone=Europe/Berlin livedeck.tz=CET-1CEST,M3.5.0,M10.5.0/3",
    },
  ],
  [
    "livedeck.timezone=America/Sao_Paulo",
    {
      timezone: "America/Sao_Paulo",
      tz: "<-03>3",
      guest_params: "livedeck.timezone=America/Sao_Paulo livedeck.tz=<-03>3",
    },
  ],
  ["livedeck.net=dhcp", { net: "dhcp" }],
  [
    "livedeck.net=static:192.168.1.20/24,192.168.1.1,9.9.9.9",
    {
      net: "static",
      net_addr: "192.168.1.20/24",
      net_gw: "192.168.1.1",
      net_dns: "9.9.9.9",
    },
  ],
  [
    "livedeck.net=static:10.0.0.2/8,10.0.0.1",
    { net: "static", net_addr: "10.0.0.2/8", net_gw: "10.0.0.1" },
  ],
  [`livedeck.rootpw=${HASH6}`, { rootpw: HASH6, guest_params: `livedeck.rootpw=${HASH6}` }],
  [`livedeck.rootpw=${HASH5}`, { rootpw: HASH5, guest_params: `livedeck.rootpw=${HASH5}` }],
  [
    "livedeck.nossh livedeck.aptupdate livedeck.toram livedeck.verbose livedeck.serial",
    {
      nossh: "1",
      aptupdate: "1",
      toram: "1",
      verbose: "1",
      serial: "1",
      guest_params: "livedeck.nossh livedeck.aptupdate livedeck.verbose loglevel=7",
    },
  ],
  ["livedeck.lang=de_DE.UTF-8", { lang: "de_DE.UTF-8" }],
  ["livedeck.lang=C.UTF-8", { lang: "C.UTF-8" }],
  ["livedeck.keymap=de", { keymap: "de" }],
  ["livedeck.keymap=fr-latin1", { keymap: "fr-latin1" }],
  ["livedeck.noswitcher", { noswitcher: "1" }],
  ["livedeck.states=off", { states: "off" }],
  // the prime stage's menu (plan-states.ts)
  ["livedeck.prime livedeck.guest-timeout=1800", { prime: "1", guest_timeout: "1800" }],
  // the PXE menu's line, after GRUB filled in its variables
  [
    `livedeck.fetch=tftp:10.0.2.2 livedeck.mac=52:54:00:12:34:56 livedeck.manifest=${"ab".repeat(32)}`,
    { fetch: "tftp:10.0.2.2", mac: "52:54:00:12:34:56", manifest: "ab".repeat(32) },
  ],
  // the last of a repeated parameter wins, as for the kernel's own
  ["livedeck.guests=a livedeck.guests=b", { guests: "b" }],
  ["livedeck.vncpw=livedk42", { vncpw: "livedk42" }],
  // a * is a character, not a glob of the working directory
  ["foo=* livedeck.test=x", { test: "x" }],
];

/** Malformed values: the note each gets (the value stays at its default). */
const BAD: [string, string][] = [
  ["livedeck.label=demo", "rejected livedeck.label=demo: a volume label is upper-case letters, digits and _"],
  ["livedeck.label=", "rejected livedeck.label=: a volume label is upper-case letters, digits and _"],
  ["livedeck.label", "rejected livedeck.label: needs a value (livedeck.label=…)"],
  ["livedeck.test=../x", "rejected livedeck.test=../x: a test name is lower-case letters, digits and -"],
  ["livedeck.guests=a,,b", "rejected livedeck.guests=a,,b: expected all, none or guest names a,b,c"],
  ["livedeck.guests=a,Bad", "rejected livedeck.guests=a,Bad: expected all, none or guest names a,b,c"],
  ["livedeck.guests=a,1x", "rejected livedeck.guests=a,1x: '1x' is not a guest name"],
  ["livedeck.guest-timeout=soon", "rejected livedeck.guest-timeout=soon: seconds: a whole number"],
  ["livedeck.guest-timeout=0", "rejected livedeck.guest-timeout=0: seconds: 1..86400"],
  ["livedeck.guest-timeout=9999999", "rejected livedeck.guest-timeout=9999999: seconds: 1..86400"],
  [
    "livedeck.timezone=Mars/Olympus",
    "rejected livedeck.timezone=Mars/Olympus: no such time zone in ZONEINFO (keeping UTC)",
  ],
  [
    "livedeck.timezone=../../etc/passwd",
    "rejected livedeck.timezone=../../etc/passwd: not a time zone name like Europe/Berlin (keeping UTC)",
  ],
  [
    "livedeck.timezone=Europe/Fake",
    "rejected livedeck.timezone=Europe/Fake: no such time zone in ZONEINFO (keeping UTC)",
  ],
  ["livedeck.timezone=Europe", "rejected livedeck.timezone=Europe: no such time zone in ZONEINFO (keeping UTC)"],
  ["livedeck.net=wifi", "rejected livedeck.net=wifi: expected dhcp or static:ADDR/PREFIX,GW[,DNS]"],
  ["livedeck.net=static:10.0.0.2,10.0.0.1", "rejected livedeck.net=static:10.0.0.2,10.0.0.1: address 10.0.0.2 has no /PREFIX"],
  [
    "livedeck.net=static:10.0.0.256/24,10.0.0.1",
    "rejected livedeck.net=static:10.0.0.256/24,10.0.0.1: address 10.0.0.256 is not an IPv4 address",
  ],
  ["livedeck.net=static:10.0.0.2/33,10.0.0.1", "rejected livedeck.net=static:10.0.0.2/33,10.0.0.1: prefix /33 is not 1..32"],
  ["livedeck.net=static:10.0.0.2/24", "rejected livedeck.net=static:10.0.0.2/24: gateway '' is not an IPv4 address"],
  [
    "livedeck.net=static:10.0.0.2/24,10.0.0.1,dns.example",
    "rejected livedeck.net=static:10.0.0.2/24,10.0.0.1,dns.example: DNS server 'dns.example' is not an IPv4 address",
  ],
  [
    "livedeck.rootpw=hunter2",
    "rejected livedeck.rootpw=hunter2: not a crypt hash ($6$…): make one with 'openssl passwd -6' or 'mkpasswd'; plain-text passwords are refused",
  ],
  [
    `livedeck.rootpw=${HASH6.slice(0, -5)}`,
    `rejected livedeck.rootpw=${HASH6.slice(0, -5)}: the hash part is 81 characters, expected 86 (cut short?)`,
  ],
  ["livedeck.rootpw=$6$a$b;rm", "rejected livedeck.rootpw=$6$a$b;rm: a crypt hash has only letters, digits and ./$="],
  ["livedeck.nossh=1", "rejected livedeck.nossh=1: takes no value (write livedeck.nossh)"],
  ["livedeck.toram=yes", "rejected livedeck.toram=yes: takes no value (write livedeck.toram)"],
  ["livedeck.fetch=http://x/", "rejected livedeck.fetch=http://x/: expected tftp:SERVER"],
  ["livedeck.manifest=abc", "rejected livedeck.manifest=abc: expected 64 hex digits"],
  ["livedeck.mac=52:54;reboot", "rejected livedeck.mac=52:54;reboot: not a MAC address"],
  ["livedeck.states=no", "rejected livedeck.states=no: expected on or off"],
  ["livedeck.prime=1", "rejected livedeck.prime=1: takes no value (write livedeck.prime)"],
  ["livedeck.lang=fr_FR.UTF-8", "rejected livedeck.lang=fr_FR.UTF-8: locale fr_FR.UTF-8 is not on this medium"],
  ["livedeck.lang=de'DE", "rejected livedeck.lang=de'DE: not a locale name like de_DE.UTF-8"],
  ["livedeck.vncpw=abc", "rejected livedeck.vncpw=abc: 6 to 8 characters (VNC reads 8)"],
  ["livedeck.vncpw=pass;word", "rejected livedeck.vncpw=pass;word: letters and digits only"],
  ["livedeck.timezon=Europe/Berlin", "ignored livedeck.timezon=Europe/Berlin: unknown parameter"],
  ["livedeck.keymap=xx", "rejected livedeck.keymap=xx: keymap xx is not on this medium"],
  ["livedeck.keymap=../qwertz/de", "rejected livedeck.keymap=../qwertz/de: not a keymap name like de or fr-latin1"],
  ["livedeck.keymap=-C", "rejected livedeck.keymap=-C: not a keymap name like de or fr-latin1"],
  ["livedeck.keymap=q*", "rejected livedeck.keymap=q*: not a keymap name like de or fr-latin1"],
  ["livedeck.keymap", "rejected livedeck.keymap: needs a value (livedeck.keymap=…)"],
  ["livedeck.keybaord=de", "ignored livedeck.keybaord=de: unknown parameter"],
];

describe.each(SHELLS.map((sh) => [sh.join(" "), sh] as const))("params under %s", (_name, shell) => {
  it.each(GOOD)("%s", async (cmdline, set) => {
    const p = await parse(shell, cmdline);
    expect(p.vars).toEqual({ ...DEFAULTS, ...set });
    expect(p.notes).toEqual([]);
    expect(p.console).toEqual([]);
  });

  it.each(BAD)("%s", async (cmdline, note) => {
    const p = await parse(shell, `console=hvc0 ${cmdline}`);
    const expected = note.replace("ZONEINFO", join(dir, "zoneinfo"));
    expect(p.notes).toEqual([expected]);
    expect(p.console).toEqual([`livedeck: boot parameter ${expected}`]);
    expect(p.vars).toEqual(DEFAULTS);
  });

  it("rejects the bad values one by one and applies the rest", async () => {
    const p = await parse(
      shell,
      `livedeck.timezone=Nowhere/Land livedeck.guests=micro1 livedeck.rootpw=secret livedeck.nossh livedeck.frobnicate livedeck.net=static:1.2.3.4/24,1.2.3.1 livedeck.guest-timeout=x`,
    );
    expect(p.vars).toEqual({
      ...DEFAULTS,
      guests: "micro1",
      nossh: "1",
      net: "static",
      net_addr: "1.2.3.4/24",
      net_gw: "1.2.3.1",
      guest_params: "livedeck.nossh",
    });
    expect(p.notes.map((n) => n.split(":")[0])).toEqual([
      "rejected livedeck.timezone=Nowhere/Land",
      "rejected livedeck.rootpw=secret",
      "ignored livedeck.frobnicate",
      "rejected livedeck.guest-timeout=x",
    ]);
    expect(p.console).toHaveLength(4);
  });

  it("writes a file the shell sources back to the same values", async () => {
    const cmdline = `livedeck.timezone=America/Sao_Paulo livedeck.rootpw=${HASH6} livedeck.verbose`;
    const p = await parse(shell, cmdline);
    const file = join(dir, `params-${shell.join("-")}`);
    const r = await execa(shell[0]!, [...shell.slice(1), "-c", `. "$1"; printf '%s|%s|%s\\n' "$tz" "$rootpw" "$guest_params"`, "sh", file]);
    expect(r.stdout).toBe(`${p.vars.tz}|${HASH6}|${p.vars.guest_params}`);
    expect(p.vars.tz).toBe("<-03>3");
  });
});

/** Rejected at boot only for what the medium lacks, so their form passes the deck's check. */
const MEDIUM_ONLY = ["livedeck.timezone=Mars/Olympus", "livedeck.timezone=Europe/Fake", "livedeck.timezone=Europe", "livedeck.lang=fr_FR.UTF-8", "livedeck.keymap=xx"];

describe("the deck's boot.params check (src/deck/boot-params.ts) agrees with params on the corpus", () => {
  const words = (cmdline: string) => cmdline.split(" ").filter((w) => w.startsWith("livedeck."));
  const network = (w: string) => /^livedeck\.(fetch|manifest|mac)=|^livedeck\.prime$/.test(w);
  it.each(GOOD.flatMap(([c]) => words(c)).filter((w) => !network(w)))("accepts %s", (w) => {
    expect(bootParamProblem(w)).toBeUndefined();
  });
  it.each(BAD.map(([c]) => c).filter((c) => !MEDIUM_ONLY.includes(c)))("refuses %s", (w) => {
    expect(bootParamProblem(w)).toBeTypeOf("string");
  });
  it("refuses the network boot's own parameters in a deck", () => {
    expect(bootParamProblem("livedeck.fetch=tftp:10.0.2.2")).toBe(
      "livedeck.fetch is written by the PXE tree's menu, not set by a deck",
    );
    expect(bootParamProblem("livedeck.prime")).toBe(
      "livedeck.prime is written by the build's prime stage, not set by a deck",
    );
  });
  it.each(MEDIUM_ONLY)("leaves %s to the medium", (w) => {
    expect(bootParamProblem(w)).toBeUndefined();
  });
});

describe("guest-extra: the boot parameters on a guest's kernel command line", () => {
  const GUEST_EXTRA = join(ROOT, "initrd-skel/dom0/usr/lib/livedeck/guest-extra");
  const config = `name = "deb"\nkernel = "/run/medium/livedeck/guest/vmlinuz"\nextra = "console=hvc0 quiet livedeck.name=deb"\nmemory = 128\n`;

  async function extra(guestParams: string, cfg = config) {
    await writeFile(join(dir, "guest.cfg"), cfg);
    await writeFile(join(dir, "gparams"), `label='LIVEDECK'\nguest_params='${guestParams}'\n`);
    return execa("dash", [GUEST_EXTRA, join(dir, "guest.cfg")], { env: { LIVEDECK_PARAMS: join(dir, "gparams") } });
  }

  it("overrides extra= with the config's words, then the parameters", async () => {
    const r = await extra("livedeck.timezone=Asia/Kolkata livedeck.tz=IST-5:30 livedeck.nossh");
    expect(r.stdout).toBe('extra="console=hvc0 quiet livedeck.name=deb livedeck.timezone=Asia/Kolkata livedeck.tz=IST-5:30 livedeck.nossh"');
  });

  it("prints nothing without parameters, and refuses to pass more than Xen's 1023 bytes", async () => {
    expect((await extra("")).stdout).toBe("");
    const long = await extra(`livedeck.rootpw=${"x".repeat(1000)}`);
    expect(long.stdout).toBe("");
    expect(long.stderr).toContain("the boot parameters do not fit on the guest's command line; not passed");
  });
});
