import { describe, expect, it } from "vitest";
import { DeckSchema, MENU_ENTRIES } from "../../../src/deck/schema.ts";
import { UserError } from "../../../src/errors.ts";
import {
  grubQuote,
  loadTemplates,
  menuVars,
  renderMenu,
  templateFiles,
  type MenuVars,
  type Templates,
} from "../../../src/formats/grub-menu.ts";

const deck = DeckSchema.parse({
  name: "demo",
  description: "Xen live demo: it's $HOME",
  dom0: { memory: "2G", vcpus: 3 },
  boot: { timeout: 7, label: "DEMO_1" },
});
const vars = menuVars(deck, { append: "livedeck.test=boot-check" });
const cfg = renderMenu(vars);

/** The body of one menuentry, by its --id. */
function entry(text: string, id: string): string {
  const m = new RegExp(`^menuentry .* --id ${id} \\{\\n([\\s\\S]*?)^\\}`, "m").exec(text);
  if (!m) throw new Error(`no entry ${id} in\n${text}`);
  return m[1]!;
}
const line = (body: string, cmd: string) =>
  body
    .split("\n")
    .find((l) => l.trim().startsWith(cmd))
    ?.trim();

/** Runs `fn` and returns the UserError it throws (fails the test if it throws nothing else). */
function userError(fn: () => unknown): UserError {
  try {
    fn();
  } catch (e) {
    if (e instanceof UserError) return e;
    throw e;
  }
  throw new Error("expected a UserError, nothing was thrown");
}

describe("menuVars", () => {
  it("takes timeout, default, label, dom0 memory and vcpus from the deck", () => {
    expect(vars).toEqual({
      name: "demo",
      title: "demo: Xen live demo: it's $HOME",
      timeout: 7,
      defaultEntry: "demo",
      label: "DEMO_1",
      dom0MemoryMiB: 2048,
      dom0Vcpus: 3,
      append: "livedeck.test=boot-check",
      root: "",
      memtest: true,
      net: false,
      ramNote: "",
    });
  });

  it("uses the deck name as the title when there is no description", () => {
    expect(menuVars(DeckSchema.parse({ name: "bare" })).title).toBe("bare");
  });

  it("refuses memtest as default when memtest86+ is left off", () => {
    const d = DeckSchema.parse({ name: "demo", boot: { default: "memtest" } });
    const e = userError(() => menuVars(d, { memtest: false }));
    expect(e.message).toBe("boot.default is memtest, but this build leaves memtest86+ off the medium");
    expect(e.hint).toBe("set boot.default to one of demo, verbose, rescue, serial");
  });
});

describe("renderMenu", () => {
  it("sets timeout and default, and puts the menu on the serial line too", () => {
    expect(cfg).toContain("\nset timeout=7\n");
    expect(cfg).toContain("\nset default=demo\n");
    expect(cfg).toContain(
      "serial --unit=0 --speed=115200\nterminal_input serial console\nterminal_output serial console\n",
    );
  });

  it.each(MENU_ENTRIES)("makes %s the default entry", (id) => {
    const text = renderMenu({ ...vars, defaultEntry: id });
    expect(text).toContain(`\nset default=${id}\n`);
    expect(text).toMatch(new RegExp(`^menuentry .* --id ${id} \\{$`, "m"));
  });

  it("boots Xen with dom0 memory, vcpus, com1 and the dom0 kernel with label, quiet and the append string", () => {
    const demo = entry(cfg, "demo");
    expect(line(demo, "multiboot2")).toBe(
      "multiboot2 /boot/xen.gz dom0_mem=2048M,max:2048M dom0_max_vcpus=3 console=com1,vga com1=115200,8n1 bootscrub=0 vga=gfx-1024x768x32",
    );
    expect(line(demo, "module2 /boot/vmlinuz")).toBe(
      "module2 /boot/vmlinuz console=hvc0 livedeck.label=DEMO_1 quiet livedeck.test=boot-check",
    );
    expect(line(demo, "module2 --nounzip")).toBe("module2 --nounzip /boot/dom0.img");
  });

  it("verbose: all Xen log levels, no quiet, livedeck.verbose", () => {
    const v = entry(cfg, "verbose");
    expect(line(v, "multiboot2")).toMatch(/ bootscrub=0 loglvl=all guest_loglvl=all$/);
    expect(line(v, "module2 /boot/vmlinuz")).toBe(
      "module2 /boot/vmlinuz console=hvc0 livedeck.label=DEMO_1 livedeck.verbose livedeck.test=boot-check",
    );
  });

  it("rescue: livedeck.rescue without quiet", () => {
    expect(line(entry(cfg, "rescue"), "module2 /boot/vmlinuz")).toBe(
      "module2 /boot/vmlinuz console=hvc0 livedeck.label=DEMO_1 livedeck.rescue livedeck.test=boot-check",
    );
  });

  it("serial: Xen console on com1 only", () => {
    const s = entry(cfg, "serial");
    expect(line(s, "multiboot2")).toContain(" console=com1 com1=115200,8n1 ");
    expect(line(s, "multiboot2")).not.toContain("vga");
  });

  it("memtest86+: linux16 under BIOS, chainloader under EFI", () => {
    const m = entry(cfg, "memtest");
    expect(m).toContain('if [ "$grub_platform" = "efi" ]; then');
    expect(line(m, "chainloader")).toBe("chainloader /boot/memtest86+x64.efi console=ttyS0,115200");
    expect(line(m, "linux16")).toBe("linux16 /boot/memtest86+x64.bin console=ttyS0,115200");
  });

  it("leaves the memtest entry out when the medium has no memtest86+", () => {
    const text = renderMenu({ ...vars, memtest: false });
    expect(text).not.toContain("memtest");
    expect(text.match(/^menuentry /gm)).toHaveLength(4);
  });

  it("without append, the kernel line ends with the entry's own arguments", () => {
    const text = renderMenu({ ...vars, append: "" });
    expect(line(entry(text, "demo"), "module2 /boot/vmlinuz")).toBe(
      "module2 /boot/vmlinuz console=hvc0 livedeck.label=DEMO_1 quiet",
    );
  });

  it("quotes the title so quotes and $ reach the menu as typed", () => {
    expect(cfg).toContain(`menuentry 'demo: Xen live demo: it'\\''s $HOME' --id demo {`);
    expect(grubQuote("a'b")).toBe(`'a'\\''b'`);
  });

  it("prefixes every path with root", () => {
    const text = renderMenu({ ...vars, root: "(tftp)/livedeck" });
    const paths = text.match(/\S*\/boot\/\S+/g)!;
    expect(paths.length).toBe((4 + 8) * 3 + 2); // 4 entries, 8 in the options submenu, memtest
    for (const p of paths) expect(p.startsWith("(tftp)/livedeck/boot/")).toBe(true);
  });

  it("lists the main template first, then partials", () => {
    const files = templateFiles().map((f) => f.split("/").slice(-2).join("/"));
    expect(files).toEqual(["grub-templates/grub.cfg.hbs", "grub-templates/xen-entry.hbs"]);
  });
});

describe("renderMenu refuses bad variables", () => {
  const cases: [string, Record<string, unknown>, string][] = [
    [
      "unknown default entry",
      { defaultEntry: "shell" },
      "defaultEntry: Invalid enum value. Expected 'demo' | 'verbose' | 'rescue' | 'serial' | 'memtest', received 'shell'",
    ],
    [
      "memtest default without memtest",
      { defaultEntry: "memtest", memtest: false },
      "defaultEntry: is memtest, but the medium has no memtest86+",
    ],
    [
      "append with a ;",
      { append: "a=1; reboot" },
      "append: must be space-separated kernel arguments without quotes or ;{}",
    ],
    [
      "append with a quote",
      { append: `a="b c"` },
      "append: must be space-separated kernel arguments without quotes or ;{}",
    ],
    ["lower-case label", { label: "demo" }, "label: must be 1-32 upper-case letters, digits or '_'"],
    ["title with a newline", { title: "a\nb" }, "title: must be one line without control characters"],
    [
      "root ending in /",
      { root: "/livedeck/" },
      "root: must be '' or a path like /livedeck or (tftp)/livedeck",
    ],
    ["negative timeout", { timeout: -1 }, "timeout: Number must be greater than or equal to 0"],
    ["unknown variable", { colour: "red" }, "(menu): Unrecognized key(s) in object: 'colour'"],
  ];
  it.each(cases)("%s", (_, patch, message) => {
    const e = userError(() => renderMenu({ ...vars, ...patch } as MenuVars));
    expect(e.message).toBe(`grub menu: ${message}`);
    expect(e.hint).toMatch(/^menu variables are name, title, timeout, defaultEntry, /);
  });

  it("a missing variable", () => {
    const { append: _, ...rest } = vars;
    expect(userError(() => renderMenu(rest as MenuVars)).message).toBe("grub menu: append: Required");
  });
});

describe("templates are strict", () => {
  const real = loadTemplates();
  const withMain = (text: string): Templates => ({ ...real, main: { ...real.main, text } });

  it.each([
    ["a plain variable", "set x={{nope}}\n", `"nope" is not defined (line:col 1:8)`],
    ["an if condition", "{{#if nope}}x{{/if}}\n", "an argument of if is not defined (line:col 1:0)"],
    ["a q argument", "menuentry {{q nope}} {\n}\n", "an argument of q is not defined (line:col 1:10)"],
    [
      "a partial's parameter",
      `{{> xen-entry id="x" heading="'x'" xen="" linux=""}}\n`,
      "an argument of if is not defined (line:col 10:121)",
    ],
  ])("%s that is not defined is an error", (_, text, message) => {
    const e = userError(() => renderMenu(vars, withMain(text)));
    expect(e.message).toContain(message);
    expect(e.message).toMatch(/^grub template in .*grub-templates: /);
  });

  it("the shipped template renders with exactly the schema's variables", () => {
    expect(() => renderMenu(vars, real)).not.toThrow();
  });
});

describe("boot parameters in the menu", () => {
  const withParams = DeckSchema.parse({
    name: "demo",
    boot: { params: ["livedeck.timezone=Europe/Berlin", "livedeck.nossh"] },
  });
  const hash = "$6$salt$" + "a".repeat(86);
  const text = renderMenu(menuVars(withParams, { append: `livedeck.rootpw=${hash} livedeck.guests=a,b` }));

  it("puts the deck's params, then --append, on every Xen entry; a word with $ single-quoted for GRUB", () => {
    const tail = ` livedeck.timezone=Europe/Berlin livedeck.nossh 'livedeck.rootpw=${hash}' livedeck.guests=a,b`;
    expect(line(entry(text, "demo"), "module2 /boot/vmlinuz")).toBe(
      `module2 /boot/vmlinuz console=hvc0 livedeck.label=LIVEDECK quiet${tail}`,
    );
    expect(line(entry(text, "verbose"), "module2 /boot/vmlinuz")).toBe(
      `module2 /boot/vmlinuz console=hvc0 livedeck.label=LIVEDECK livedeck.verbose${tail}`,
    );
  });

  it("has an options submenu with one entry per common parameter, before the deck's own", () => {
    const sub = /^submenu 'demo: options \(copy to RAM, no guests, no SSH, \.\.\.\)' --id options \{\n([\s\S]*?)^\}/m.exec(text);
    expect(sub).not.toBeNull();
    const entries = [...sub![1]!.matchAll(/^\tmenuentry '([^']*)' --id (\S+) \{\n([\s\S]*?)^\t\}/gm)];
    expect(entries.map((e) => [e[2], line(e[3]!, "module2 /boot/vmlinuz")])).toEqual(
      [
        ["toram", "livedeck.toram"],
        ["noguests", "livedeck.guests=none"],
        ["nossh", "livedeck.nossh"],
        ["aptupdate", "livedeck.aptupdate"],
        ["netdhcp", "livedeck.net=dhcp"],
        ["keymap-de", "livedeck.keymap=de"],
        ["keymap-fr", "livedeck.keymap=fr"],
        ["keymap-uk", "livedeck.keymap=uk"],
      ].map(([id, arg]) => [
        id,
        `module2 /boot/vmlinuz console=hvc0 livedeck.label=LIVEDECK quiet ${arg} livedeck.timezone=Europe/Berlin livedeck.nossh 'livedeck.rootpw=${hash}' livedeck.guests=a,b`,
      ]),
    );
  });

  it("refuses a deck param GRUB cannot carry, and an --append with a quote", () => {
    expect(() => menuVars(withParams, { append: "livedeck.x='a'" })).toThrow(
      "append: must be space-separated kernel arguments without quotes or ;{}",
    );
  });
});
