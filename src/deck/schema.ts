import { z } from "zod";
import { OUTPUT_NAMES } from "../pipeline/outputs.ts";
import { BootParam } from "./boot-params.ts";
import { size } from "./size.ts";
import { DEFAULT_STATE_CPUS } from "../formats/state-meta.ts";

/**
 * The only declaration of a deck and a flavour: types come from z.infer, defaults from .default(),
 * help text from .describe(). Objects are strict: an unknown key is an error.
 */

const name = z
  .string()
  .regex(/^[a-z][a-z0-9-]{0,30}$/, "must be lower-case letters, digits and '-', starting with a letter");

const debPackage = z.string().regex(/^[a-z0-9][a-z0-9+.-]+$/, "must be a Debian package name");

/** Built-in bases a flavour can start from; anything else names another flavour. */
export const BUILTIN_BASES = ["minbase", "busybox"] as const;

export const FlavourSchema = z
  .object({
    name: name.describe("flavour name; the file is <name>.yaml beside the deck"),
    description: z.string().default("").describe("one line shown in the switcher and the boot menu"),
    base: name
      .default("minbase")
      .describe("built-in base (minbase: Debian minbase; busybox: a busybox-only initrd) or another flavour"),
    packages: z.array(debPackage).default([]).describe("Debian packages installed on top of the base"),
    exclude: z
      .array(z.string().regex(/^\/\S*$/, "must be an absolute path or glob, like /usr/share/doc/*"))
      .default([])
      .describe(
        "paths dpkg leaves out when it installs this flavour's packages (dpkg path-exclude globs); packages installed later in the guest leave them out too",
      ),
    memory: size(32, 65536).default("128M").describe("guest RAM"),
    vcpus: z.number().int().min(1).max(64).default(1).describe("guest virtual CPUs"),
    services: z.array(z.string()).default([]).describe("services started in the guest"),
    script: z
      .string()
      .optional()
      .describe("shell script run inside the flavour's rootfs, relative to this file"),
    installable: z.boolean().default(false).describe("whether the guest may ask dom0 to install it to disk"),
  })
  .strict();
export type Flavour = z.infer<typeof FlavourSchema>;

export const GuestSchema = z
  .object({
    name: name.describe("guest (domain) name"),
    flavour: name.describe("flavour the guest runs"),
    autostart: z.boolean().default(true).describe("started by dom0 at boot"),
    memory: size(32, 65536).optional().describe("guest RAM; default: the flavour's"),
    vcpus: z.number().int().min(1).max(64).optional().describe("virtual CPUs; default: the flavour's"),
  })
  .strict();
export type Guest = z.infer<typeof GuestSchema>;

export const MENU_ENTRIES = ["demo", "verbose", "rescue", "serial", "memtest"] as const;

export const DeckSchema = z
  .object({
    name: name.describe("deck name; the ISO is out/<name>.iso"),
    description: z.string().default("").describe("shown as the boot menu title"),
    suite: z.enum(["bookworm"]).default("bookworm").describe("Debian suite of dom0 and every flavour"),
    mirror: z
      .string()
      .default("host")
      .describe("'host' (the host's configured Debian sources) or a path to a deb822 .sources file"),
    dom0: z
      .object({
        memory: size(512, 65536).default("1536M").describe("dom0 RAM (dom0_mem)"),
        vcpus: z.number().int().min(1).max(64).default(2).describe("dom0 virtual CPUs"),
        packages: z.array(debPackage).default([]).describe("extra Debian packages in dom0"),
        prune: z
          .object({
            keep: z
              .array(z.string())
              .default([])
              .describe("glob patterns kept even if the prune rules remove them"),
            remove: z.array(z.string()).default([]).describe("extra glob patterns removed from dom0"),
          })
          .strict()
          .default({}),
        compression: z
          .object({
            // 9: the CI deck's 104 MiB cpio packs in 3 s to 33.3 MB, where 19 took 88 s for 29.0 MB
            // (2 cores); the boot barely notices the 4 MB (DESIGN: a 74 MB initrd reached dom0 ready in 20.5 s)
            level: z.number().int().min(1).max(19).default(9).describe("zstd level of the dom0 initrd"),
          })
          .strict()
          .default({}),
      })
      .strict()
      .default({}),
    guests: z.array(GuestSchema).default([]).describe("guests on the medium, started in this order"),
    network: z
      .object({
        mode: z.enum(["routed", "bridged"]).default("routed"),
        subnet: z
          .string()
          .regex(/^\d{1,3}\.\d{1,3}\.\d{1,3}\.0\/24$/, "must be an IPv4 /24 like 172.20.216.0/24")
          .default("172.20.216.0/24"),
      })
      .strict()
      .default({}),
    boot: z
      .object({
        timeout: z.number().int().min(0).max(600).default(5).describe("seconds the menu waits"),
        default: z.enum(MENU_ENTRIES).default("demo").describe("menu entry booted when the timeout ends"),
        label: z
          .string()
          .regex(/^[A-Z0-9_]{1,32}$/, "must be 1-32 upper-case letters, digits or '_' (ISO volume id)")
          .default("LIVEDECK")
          .describe("volume label dom0 finds its medium by"),
        params: z
          .array(BootParam)
          .default([])
          .describe(
            "default livedeck.* boot parameters on every Xen menu entry, e.g. [livedeck.timezone=Europe/Berlin, livedeck.nossh]; `build --append` adds to them",
          ),
      })
      .strict()
      .default({}),
    target: z
      .object({
        memory: size(1024, 1048576)
          .default("3072M")
          .describe(
            "RAM of the smallest PC the medium must start on: Xen, dom0 and the autostart guests must fit",
          ),
      })
      .strict()
      .default({}),
    states: z
      .object({
        cpus: z
          .array(
            z
              .object({
                vendor: z.enum(["intel", "amd"]),
                model: z.string().regex(/^[A-Za-z0-9_.+-]+$/, "must be a QEMU -cpu model name"),
              })
              .strict(),
          )
          .default(DEFAULT_STATE_CPUS)
          .describe(
            "one prime boot per entry (QEMU -cpu model, a low baseline of its vendor); [] for no saved states",
          ),
        level: z.number().int().min(1).max(22).default(19).describe("zstd level of the saved states"),
        long: z
          .boolean()
          .default(false)
          .describe(
            "zstd --long=27 (the whole guest RAM image as window): about 7 % smaller states, but decompressing is about 1.5x slower, and every restore pays that",
          ),
      })
      .strict()
      .default({})
      .describe("saved guest states on the medium: guests restore in seconds instead of booting"),
    outputs: z.array(z.enum(OUTPUT_NAMES)).default(["iso"]).describe("what the build writes to out/"),
  })
  .strict();
export type Deck = z.infer<typeof DeckSchema>;
