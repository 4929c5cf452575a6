import { readdirSync, readFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import Handlebars from "handlebars";
import { z } from "zod";
import { UserError } from "../errors.ts";
import { MENU_ENTRIES, type Deck } from "../deck/schema.ts";

/** grub-templates/: grub.cfg.hbs is the menu, every other *.hbs a partial named after its file. */
export const TEMPLATE_DIR = fileURLToPath(new URL("../../grub-templates/", import.meta.url));
const MAIN = "grub.cfg.hbs";

/**
 * A kernel argument token: no quotes, `;`, braces or spaces. A `$` (crypt hashes in
 * livedeck.rootpw) is allowed: such a token is single-quoted in the menu (grubArgs), so GRUB does not
 * expand it and passes it on unchanged.
 */
const ARG = String.raw`[A-Za-z0-9_.,:=/+@%~$-]+`;

/** Everything grub.cfg.hbs reads. All keys are required: the template is compiled strict. */
export const MenuVarsSchema = z
  .object({
    name: z.string().regex(/^[a-z][a-z0-9-]{0,30}$/, "must be a deck name"),
    title: z
      .string()
      .min(1)
      .max(200)
      .regex(/^[^\x00-\x1f\x7f]*$/, "must be one line without control characters"),
    timeout: z.number().int().min(0).max(600),
    defaultEntry: z.enum(MENU_ENTRIES),
    label: z.string().regex(/^[A-Z0-9_]{1,32}$/, "must be 1-32 upper-case letters, digits or '_'"),
    dom0MemoryMiB: z.number().int().min(512).max(65536).describe("MiB"),
    dom0Vcpus: z.number().int().min(1).max(64),
    append: z
      .string()
      .regex(
        new RegExp(`^(${ARG}( ${ARG})*)?$`),
        "must be space-separated kernel arguments without quotes or ;{}",
      )
      .describe("extra arguments on the dom0 kernel line of every Xen entry (the deck's boot.params, then --append)"),
    root: z
      .string()
      .regex(
        /^(\([A-Za-z0-9_,.:-]+\))?(\/[A-Za-z0-9._-]+)*$/,
        "must be '' or a path like /livedeck or (tftp)/livedeck",
      )
      .describe("prefix of every path in the menu: '' on the ISO"),
    memtest: z.boolean().describe("whether the medium carries memtest86+ (adds the entry)"),
    net: z
      .union([z.literal(false), z.object({ manifest: z.string().regex(/^[0-9a-f]{64}$/, "must be a sha256") }).strict()])
      .default(false)
      .describe("network boot (PXE tree): dom0 fetches the guests' files, checked against this manifest's sha256"),
    ramNote: z
      .string()
      .max(120)
      .regex(/^[^\x00-\x1f\x7f]*$/, "must be one line without control characters")
      .default("")
      .describe("appended to the default entry's heading: the RAM a network boot needs"),
  })
  .strict()
  .superRefine((v, ctx) => {
    if (v.defaultEntry === "memtest" && !v.memtest) {
      ctx.addIssue({
        code: "custom",
        path: ["defaultEntry"],
        message: "is memtest, but the medium has no memtest86+",
      });
    }
  });
export type MenuVars = z.infer<typeof MenuVarsSchema>;
const VAR_NAMES = Object.keys(MenuVarsSchema.innerType().shape);

export interface MenuExtras {
  memtest?: boolean;
  append?: string;
  root?: string;
  net?: MenuVars["net"];
  ramNote?: string;
}

/** The menu variables of a deck; options that are not deck settings come from the plan. */
export function menuVars(deck: Deck, opts: MenuExtras = {}): MenuVars {
  const vars = {
    name: deck.name,
    title: deck.description ? `${deck.name}: ${deck.description}` : deck.name,
    timeout: deck.boot.timeout,
    defaultEntry: deck.boot.default,
    label: deck.boot.label,
    dom0MemoryMiB: deck.dom0.memory,
    dom0Vcpus: deck.dom0.vcpus,
    append: [...deck.boot.params, ...(opts.append ?? "").split(" ")].filter(Boolean).join(" "),
    root: opts.root ?? "",
    memtest: opts.memtest ?? true,
    net: opts.net ?? false,
    ramNote: opts.ramNote ?? "",
  };
  if (vars.defaultEntry === "memtest" && !vars.memtest) {
    throw new UserError(
      "boot.default is memtest, but this build leaves memtest86+ off the medium",
      `set boot.default to one of ${MENU_ENTRIES.filter((e) => e !== "memtest").join(", ")}`,
    );
  }
  return checkVars(vars);
}

function checkVars(vars: unknown): MenuVars {
  const r = MenuVarsSchema.safeParse(vars);
  if (r.success) return r.data;
  const lines = r.error.issues.map((i) => `${i.path.join(".") || "(menu)"}: ${i.message}`);
  throw new UserError(`grub menu: ${lines.join("; ")}`, `menu variables are ${VAR_NAMES.join(", ")}`);
}

/** The template files (main first, then partials sorted): what the menu stage hashes. */
export function templateFiles(dir = TEMPLATE_DIR): string[] {
  const partials = readdirSync(dir)
    .filter((f) => f.endsWith(".hbs") && f !== MAIN)
    .sort();
  return [MAIN, ...partials].map((f) => join(dir, f));
}

export interface Templates {
  main: { file: string; text: string };
  partials: { name: string; file: string; text: string }[];
}

export function loadTemplates(dir = TEMPLATE_DIR): Templates {
  const [main, ...rest] = templateFiles(dir).map((file) => ({ file, text: readFileSync(file, "utf8") }));
  return { main: main!, partials: rest.map((p) => ({ ...p, name: basename(p.file, ".hbs") })) };
}

/** GRUB single-quoted word: nothing inside is special, a quote is closed, escaped and reopened. */
export function grubQuote(s: string): string {
  return `'${s.replaceAll("'", `'\\''`)}'`;
}

type HelperOptions = Handlebars.HelperOptions & {
  name: string;
  loc?: { start: { line: number; column: number } };
};

/** Strict mode does not cover helper arguments, so `if`, `unless` and `q` refuse undefined ones themselves. */
function defined(v: unknown, options: HelperOptions): unknown {
  if (v === undefined) {
    const at = options.loc ? ` (line:col ${options.loc.start.line}:${options.loc.start.column})` : "";
    throw new Error(`an argument of ${options.name} is not defined${at}`);
  }
  return v;
}

function handlebars(templates: Templates): typeof Handlebars {
  const hb = Handlebars.create();
  hb.registerHelper("if", function (this: unknown, cond: unknown, options: HelperOptions) {
    return defined(cond, options) ? options.fn(this) : options.inverse(this);
  });
  hb.registerHelper("unless", function (this: unknown, cond: unknown, options: HelperOptions) {
    return defined(cond, options) ? options.inverse(this) : options.fn(this);
  });
  // q joins its arguments and quotes the result for GRUB: (q name ": verbose boot").
  hb.registerHelper("q", (...args: unknown[]) => {
    const options = args.pop() as HelperOptions;
    return grubQuote(args.map((a) => String(defined(a, options))).join(""));
  });
  for (const p of templates.partials) hb.registerPartial(p.name, p.text);
  return hb;
}

/** Kernel arguments as GRUB words: one with a `$` single-quoted, the others as they are. */
export function grubArgs(args: string): string {
  return args
    .split(" ")
    .filter(Boolean)
    .map((a) => (a.includes("$") ? grubQuote(a) : a))
    .join(" ");
}

/** Renders grub.cfg. Pure apart from reading the templates when none are given. */
export function renderMenu(vars: MenuVars, templates: Templates = loadTemplates()): string {
  const checked = checkVars(vars);
  try {
    const text = handlebars(templates).compile(templates.main.text, { noEscape: true, strict: true });
    return text({ ...checked, append: grubArgs(checked.append) });
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    const strict = /^"([^"]+)" not defined in .* - (\d+:\d+)$/.exec(msg);
    throw new UserError(
      `grub template in ${dirname(templates.main.file)}: ${strict ? `"${strict[1]}" is not defined (line:col ${strict[2]})` : msg}`,
      `the templates may use ${VAR_NAMES.join(", ")} and the parameters their partials are given`,
    );
  }
}
