import { readdir, readFile } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import type { ZodTypeAny } from "zod";
import { UserError } from "../errors.ts";
import { BUILTIN_BASES, DeckSchema, FlavourSchema, type Deck, type Flavour } from "./schema.ts";
import { closest } from "./suggest.ts";
import { formatMiB } from "./size.ts";
import { formatProblem, parseYaml, zodProblems, type DeckProblem } from "./yaml-errors.ts";

export interface LoadedFlavour {
  flavour: Flavour;
  file: string;
  /** Absolute path of the customisation script, when the flavour has one. */
  script?: string;
  /** That script's text, read once at load (the script step hashes it, not its path). */
  scriptText?: string;
}

export interface LoadedDeck {
  deck: Deck;
  file: string;
  dir: string;
  flavours: Map<string, LoadedFlavour>;
}

export class DeckError extends UserError {
  constructor(readonly problems: DeckProblem[]) {
    const lines = problems.map(formatProblem);
    super(
      lines.join("\n"),
      problems.length > 1 ? `${problems.length} problems; fix them and build again` : undefined,
    );
  }
}

async function readText(file: string, what: string): Promise<string> {
  try {
    return await readFile(file, "utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UserError(`cannot read ${what} ${file}: ${code ?? String(e)}`, `check the path`);
  }
}

async function parseFile<S extends ZodTypeAny>(schema: S, file: string, text: string) {
  const { parsed, problems } = parseYaml(text, file);
  if (problems.length) return { problems };
  const r = schema.safeParse(parsed.doc.toJS());
  if (!r.success) return { problems: zodProblems(r.error, parsed, schema), parsed };
  return { value: r.data as S["_output"], parsed, problems: [] as DeckProblem[] };
}

/** Position of `path` in a parsed file, for checks that span files. */
function at(
  parsed: { doc: import("yaml").Document.Parsed; lines: import("yaml").LineCounter } | undefined,
  path: (string | number)[],
) {
  const node = parsed?.doc.getIn(path, true) as { range?: [number, number] } | undefined;
  return node?.range ? parsed!.lines.linePos(node.range[0]) : { line: 1, col: 1 };
}

/** Flavour names beside the deck (every <name>.yaml that is not a *.deck.yaml). */
async function flavoursIn(dir: string): Promise<string[]> {
  return (await readdir(dir))
    .filter((f) => f.endsWith(".yaml") && !f.endsWith(".deck.yaml"))
    .map((f) => f.slice(0, -5));
}

type Where = { file: string; line: number; col: number; key: string };

/** Loads a deck, every flavour its guests name (and their bases), and checks what spans files. */
export async function loadDeck(deckPath: string): Promise<LoadedDeck> {
  const file = resolve(deckPath);
  const dir = dirname(file);
  const d = await parseFile(DeckSchema, file, await readText(file, "deck"));
  if (!d.value) throw new DeckError(d.problems);
  const deck: Deck = d.value;
  const problems: DeckProblem[] = [];
  const flavours = new Map<string, LoadedFlavour>();
  // Each flavour file is read once, so its problems are reported once however many guests use it.
  const tried = new Set<string>();

  const loadFlavour = async (fname: string, where: Where, chain: string[]) => {
    if (chain.includes(fname)) {
      const cycle = [...chain, fname].join(" → ");
      problems.push({
        ...where,
        message: `${cycle} layers ${fname} on itself; expected ${BUILTIN_BASES.join(", ")} or a flavour that does not lead back to ${fname}`,
      });
      return;
    }
    if (tried.has(fname)) return;
    tried.add(fname);
    const ffile = join(dir, `${fname}.yaml`);
    let text: string;
    try {
      text = await readFile(ffile, "utf8");
    } catch {
      const isBase = where.key === "base";
      const candidates = [...(isBase ? BUILTIN_BASES : []), ...(await flavoursIn(dir))];
      const hint = closest(fname, candidates);
      const expected = isBase ? `${BUILTIN_BASES.join(", ")} or a flavour file` : "a flavour file";
      problems.push({
        ...where,
        message: `unknown ${isBase ? "base" : "flavour"} ${fname}: expected ${expected} ${fname}.yaml beside the deck${hint ? ` (did you mean ${hint}?)` : ""}`,
      });
      return;
    }
    const f = await parseFile(FlavourSchema, ffile, text);
    if (!f.value) {
      problems.push(...f.problems);
      return;
    }
    if (f.value.name !== fname) {
      const pos = at(f.parsed, ["name"]);
      problems.push({
        file: ffile,
        ...pos,
        key: "name",
        message: `expected ${fname} (the file name), got ${f.value.name}`,
      });
      return;
    }
    const script = f.value.script ? resolve(dirname(ffile), f.value.script) : undefined;
    const loadedFlavour: LoadedFlavour = { flavour: f.value, file: ffile, script };
    flavours.set(fname, loadedFlavour);
    if (script) {
      try {
        loadedFlavour.scriptText = await readFile(script, "utf8");
      } catch {
        problems.push({
          file: ffile,
          ...at(f.parsed, ["script"]),
          key: "script",
          message: `no such file ${f.value.script}: expected a shell script, relative to ${basename(ffile)}`,
        });
      }
    }
    if (!(BUILTIN_BASES as readonly string[]).includes(f.value.base)) {
      await loadFlavour(f.value.base, { file: ffile, ...at(f.parsed, ["base"]), key: "base" }, [
        ...chain,
        fname,
      ]);
    }
  };

  const firstAt = new Map<string, number>();
  for (const [i, g] of deck.guests.entries()) {
    const first = firstAt.get(g.name);
    if (first !== undefined) {
      const pos = at(d.parsed, ["guests", i, "name"]);
      const message = `duplicate guest name ${g.name} (also guests[${first}]): expected a name no other guest has`;
      problems.push({ file, ...pos, key: `guests[${i}].name`, message });
    } else firstAt.set(g.name, i);
    await loadFlavour(
      g.flavour,
      { file, ...at(d.parsed, ["guests", i, "flavour"]), key: `guests[${i}].flavour` },
      [],
    );
  }
  if (problems.length === 0) {
    const need = memoryNeed(deck, (f) => flavours.get(f)?.flavour.memory ?? 0);
    if (need.total > deck.target.memory) {
      const parts = `the autostart guests (${formatMiB(need.guests)}), dom0 (${formatMiB(deck.dom0.memory)}) and Xen's own use (${formatMiB(need.xen)})`;
      problems.push({
        file,
        ...at(d.parsed, ["guests"]),
        key: "guests",
        message: `${parts} need ${formatMiB(need.total)}: expected at most target.memory (${formatMiB(deck.target.memory)}), the RAM of the smallest PC this medium starts on; start fewer guests (autostart: false), give them less memory, or raise target.memory`,
      });
    }
  }
  if (problems.length) throw new DeckError(problems);
  return { deck, file, dir, flavours };
}

/**
 * What Xen keeps for itself beside dom0 (heap, frame table, dom0's page tables): a margin, the same
 * one `livedeck boot` keeps when it sizes a VM for a medium (src/qemu/checks.ts). Each guest also
 * costs a little beyond its RAM (p2m, rings): the figure guests-up checks at boot (OVERHEAD_MIB).
 */
export const XEN_RESERVED_MIB = 256;
export const GUEST_OVERHEAD_MIB = 8;

/** What the autostart guests, dom0 and Xen need of the PC's RAM, in MiB. */
export function memoryNeed(deck: Deck, flavourMemory: (flavour: string) => number) {
  const autostart = deck.guests.filter((g) => g.autostart);
  const guests = autostart.reduce((sum, g) => sum + (g.memory ?? flavourMemory(g.flavour)), 0);
  const xen = XEN_RESERVED_MIB + GUEST_OVERHEAD_MIB * autostart.length;
  return { guests, xen, total: guests + deck.dom0.memory + xen };
}
