import { access, readFile, writeFile } from "node:fs/promises";
import { DEBSSH_FILES } from "./debssh.ts";
import { DESKS, primedDesktopDeck } from "./desktop-deck.ts";
import { buildCi, type CiBuild } from "./ci-iso.ts";
import { installableDebianYaml } from "./install-deck.ts";
import { MEDIA_ENV } from "../setup/run-tmpdir.ts";
import { statesDeck } from "./states-deck.ts";

/** boot-params.test.ts's time zone: no daylight saving time and an odd offset, so `date` shows it only if it applies. */
export const BOOT_PARAMS_ZONE = "Asia/Kolkata";

/**
 * Every medium the vm tier boots, by name: each is built once per test run (the build project,
 * test/build/media.test.ts, before any vm file) and looked up by the files that boot it. Boot words
 * a test needs go on at boot time (`append`/`entry` of a boot: src/qemu/append.ts), so a medium
 * differs from the CI deck's only where a deck or flavour must.
 */
export const CI_MEDIA = {
  /** the CI deck as it is: ISO and PXE tree */
  ci: { formats: ["iso", "pxe"] },
  /** guests.test.ts: the guests on a bridge instead of dom0's routed network */
  bridged: { formats: ["iso"], edit: (d) => `${d}network:\n  mode: bridged\n` },
  /**
   * guests.test.ts: micro2 asks for more than Xen has beside dom0 in a 3 GiB VM; the deck claims an
   * 8 GiB PC, so the build lets it through and dom0's check at boot refuses it
   */
  overcommit: {
    formats: ["iso"],
    edit: (d) =>
      d.replace(
        "  - name: micro2\n    flavour: micro\n",
        '  - name: micro2\n    flavour: micro\n    memory: "4G"\n',
      ) + 'target:\n  memory: "8G"\n',
  },
  /** boot-params.test.ts: the Debian guest with sshd, the deck's own boot parameters */
  bootParams: {
    formats: ["iso"],
    files: DEBSSH_FILES,
    edit: (d) =>
      d
        .replace("    flavour: debian", "    flavour: debssh")
        .replace("boot:\n", `boot:\n  params: [livedeck.timezone=${BOOT_PARAMS_ZONE}, livedeck.nossh]\n`),
  },
  /** install-request.test.ts: the Debian flavour installable (the installer and debian+install on the medium) */
  installable: { formats: ["iso"], files: async () => ({ "debian.yaml": await installableDebianYaml() }) },
  /** desktop.test.ts: two desktop guests, the first primed on the Intel baseline */
  desktop: { formats: ["iso"], edit: (d) => primedDesktopDeck(d, DESKS) },
  /** states.test.ts: saved states on both vendors (two prime boots: the expensive build) */
  states: { formats: ["iso"], files: DEBSSH_FILES, edit: statesDeck },
} satisfies Record<string, CiMediumSpec>;
export type CiMedium = keyof typeof CI_MEDIA;

/** A medium's recipe: buildCi's, with its extra files possibly read when it is built. */
export type CiMediumSpec = Omit<CiBuild, "files"> & {
  files?: Record<string, string> | (() => Promise<Record<string, string>>);
};

type Registry = Record<string, { outputs: Record<string, string> } | { error: string }>;

const readRegistry = async (file: string): Promise<Registry> =>
  JSON.parse(await readFile(file, "utf8").catch(() => "{}")) as Registry;

/**
 * The outputs of medium `name` (format → path): built by this run already, or built now (a vm file
 * run on its own). A medium whose build failed in this run fails again at once with that error,
 * instead of each file that boots it building it again.
 */
export async function ciMedium(name: CiMedium): Promise<Record<string, string>> {
  const file = process.env[MEDIA_ENV];
  const known = file ? (await readRegistry(file))[name] : undefined;
  if (known && "error" in known)
    throw new Error(`medium ${name}: its build failed earlier in this run:\n${known.error}`);
  if (known) {
    const present = await Promise.all(
      Object.values(known.outputs).map((p) =>
        access(p).then(
          () => true,
          () => false,
        ),
      ),
    );
    if (present.every(Boolean)) return known.outputs;
  }
  const spec: CiMediumSpec = CI_MEDIA[name];
  let entry: Registry[string];
  try {
    const files = typeof spec.files === "function" ? await spec.files() : spec.files;
    entry = { outputs: await buildCi({ ...spec, files, name }) };
  } catch (e) {
    entry = { error: e instanceof Error ? e.message : String(e) };
  }
  if (file) await writeFile(file, JSON.stringify({ ...(await readRegistry(file)), [name]: entry }));
  if ("error" in entry) throw new Error(`medium ${name}: ${entry.error}`);
  return entry.outputs;
}

/** The ISO of medium `name`. */
export async function ciIso(name: CiMedium = "ci"): Promise<string> {
  return (await ciMedium(name)).iso!;
}
