import { z } from "zod";

/**
 * The livedeck.* boot parameters a deck may set as defaults (`boot.params`), checked at build time
 * for their form, so that a typo fails the build with file:line:col instead of being listed as
 * ignored at boot. dom0's reader (initrd-skel/dom0/usr/lib/livedeck/params) is the authority at
 * boot and also checks what only the medium knows (is the zone or locale there); the two accept the
 * same forms (test/tools/boot-params.test.ts runs its corpus through both).
 */

const octet = String.raw`(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)`;
const ipv4 = String.raw`${octet}(\.${octet}){3}`;

/** Parameter → the form of its value; null for a flag, which takes none. */
export const BOOT_PARAMS: Record<string, { value: RegExp; form: string } | null> = {
  rescue: null,
  debug: null,
  verbose: null,
  serial: null,
  aptupdate: null,
  nossh: null,
  toram: null,
  noswitcher: null,
  label: { value: /^[A-Z0-9_]{1,32}$/, form: "a volume label (upper-case letters, digits, _)" },
  test: { value: /^[a-z0-9-]+$/, form: "a test name" },
  guests: {
    value: /^(all|none|[a-z][a-z0-9-]*(,[a-z][a-z0-9-]*)*)$/,
    form: "all, none or guest names a,b",
  },
  "guest-timeout": { value: /^[1-9]\d{0,4}$/, form: "seconds, 1..86400" },
  timezone: {
    value: /^(?!.*\.\.)[A-Za-z0-9_+-]+(\/[A-Za-z0-9_+-]+)*$/,
    form: "a time zone name like Europe/Berlin",
  },
  net: {
    value: new RegExp(`^(dhcp|static:${ipv4}/([1-9]|[12]\\d|3[0-2]),${ipv4}(,${ipv4})?)$`),
    form: "dhcp or static:ADDR/PREFIX,GW[,DNS]",
  },
  rootpw: {
    value: /^(\$6\$[A-Za-z0-9./$=]*\$[A-Za-z0-9./]{86}|\$[5y]\$[A-Za-z0-9./$=]*\$[A-Za-z0-9./]{43})$/,
    form: "a crypt hash from `openssl passwd -6` or `mkpasswd` (never a plain password)",
  },
  lang: { value: /^[A-Za-z0-9_.@-]+$/, form: "a locale name like C.UTF-8" },
  vncpw: { value: /^[A-Za-z0-9]{6,8}$/, form: "6 to 8 letters and digits (the graphical guests' VNC password)" },
  keymap: { value: /^[A-Za-z0-9_][A-Za-z0-9_-]*$/, form: "a console keymap name like de or fr-latin1" },
  states: { value: /^(on|off)$/, form: "on or off (off: guests boot cold, saved states unused)" },
};

/** What the PXE tree's menu writes for dom0 (filled in by GRUB at boot), never a deck's default. */
export const NETWORK_BOOT_PARAMS = ["fetch", "manifest", "mac"];
/** What the build's prime stage writes on its own menu (plan-states.ts), never a deck's default. */
export const PRIME_BOOT_PARAMS = ["prime"];

/** Why `arg` is not a livedeck.* parameter of a known form, or undefined when it is one. */
export function bootParamProblem(arg: string): string | undefined {
  const m = /^livedeck\.([a-z-]+)(=(.*))?$/.exec(arg);
  if (!m) return "must be livedeck.NAME or livedeck.NAME=VALUE";
  const [, name, eq, value] = m;
  if (NETWORK_BOOT_PARAMS.includes(name!))
    return `livedeck.${name} is written by the PXE tree's menu, not set by a deck`;
  if (PRIME_BOOT_PARAMS.includes(name!))
    return `livedeck.${name} is written by the build's prime stage, not set by a deck`;
  if (!(name! in BOOT_PARAMS))
    return `livedeck.${name} is not a boot parameter (${Object.keys(BOOT_PARAMS).join(", ")})`;
  const spec = BOOT_PARAMS[name!];
  if (spec === null) return eq ? `livedeck.${name} takes no value` : undefined;
  if (!eq) return `livedeck.${name} needs a value: ${spec!.form}`;
  if (name === "guest-timeout" && Number(value) > 86400) return `livedeck.${name}: ${spec!.form}`;
  return spec!.value.test(value!) ? undefined : `livedeck.${name}: must be ${spec!.form}`;
}

export const BootParam = z.string().superRefine((arg, ctx) => {
  const problem = bootParamProblem(arg);
  if (problem) ctx.addIssue({ code: "custom", message: problem });
});
