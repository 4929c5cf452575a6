import { MAX_REQUEST_BYTES } from "../../../../src/dom0/broker/request.ts";
import { good, HASH, json, withField } from "./hostile.ts";

/**
 * The hostile install requests made by rule rather than by hand (issue 20 item 5): every string
 * field with every control character and a set of non-ASCII look-alikes at five places in it and
 * as its whole value; lengths at and past each field's limit and the request's; values nested in arrays and
 * objects; each field given twice; the base system's account names; malformed crypt hashes.
 * Deterministic, so a failing case keeps its name from run to run. Each entry: [name, raw, why].
 */
type Case = [string, unknown, RegExp];
const STRINGS = ["id", "hostname", "user", "passwordHash"] as const;
const FIELDS = ["v", ...STRINGS, "withXen"] as const;
const hex = (c: string) => `U+${c.codePointAt(0)!.toString(16).padStart(4, "0")}`;
/** Where a character goes into a value: the index it is inserted at. */
const CUTS = {
  start: () => 0,
  second: () => 1,
  middle: () => 3,
  last: (s: string) => s.length - 1,
  end: (s: string) => s.length,
};
type Where = keyof typeof CUTS;
const PLACES = Object.keys(CUTS) as Where[];
const at = (s: string, where: Where, c: string) => {
  const i = CUTS[where](s);
  return s.slice(0, i) + c + s.slice(i);
};

/** C0 controls and DEL, JSON-escaped by JSON.stringify: the request is compact, the field is not. */
const CONTROLS = [...Array.from({ length: 32 }, (_, i) => String.fromCharCode(i)), "\x7f"];
/** Letters and marks that look like ASCII or hide, and characters terminals and shells take apart. */
const NON_ASCII = [
  "é",
  "ß",
  "ı",
  "İ",
  "К",
  "а",
  "ο",
  "Ａ",
  "ｍ",
  "ﬀ",
  "\u0301",
  "\u200b",
  "\u200d",
  "\u2028",
  "\u2029",
  "\u202e",
  "\ufeff",
  "\u00a0",
  "\u3000",
  "\ud83d\ude00",
  "\u0085",
  "\u009b",
  "\u00ad",
  "€",
  "№",
  "\u2044",
  "\uff0f",
  "\u2215",
  "．",
  "\ufffd",
];
/** Printable ASCII that no field's pattern takes (hash: `$./=,` and alphanumerics are fine). */
const PUNCT = [..."!\"#%&'()*+:;<>?@[\\]^`{|}~ "];

function inFields(chars: readonly string[], label: string): Case[] {
  const out: Case[] = [];
  for (const field of STRINGS)
    for (const c of chars) {
      for (const where of PLACES)
        out.push([
          `${label} ${hex(c)} at the ${where} of ${field}`,
          withField(field, at(String(good[field]), where, c)),
          new RegExp(`^${field}: `),
        ]);
      out.push([`${label} ${hex(c)} as the whole ${field}`, withField(field, c), new RegExp(`^${field}: `)]);
    }
  return out;
}

function lengths(): Case[] {
  const out: Case[] = [];
  for (const n of [0, 1, 7, 33, 34, 40, 64, 100, 500])
    out.push([`id of ${n} characters`, withField("id", "a".repeat(n)), /^id: /]);
  for (const n of [64, 65, 100, 255, 800])
    out.push([`hostname of ${n} characters`, withField("hostname", "h".repeat(n)), /^hostname: /]);
  out.push(["empty hostname", withField("hostname", ""), /^hostname: /]);
  for (const n of [32, 33, 64, 500])
    out.push([`user of ${n} characters`, withField("user", "u".repeat(n)), /^user: /]);
  out.push(["empty user", withField("user", ""), /^user: /]);
  for (const n of [0, 1, 7, 201, 300, 700])
    out.push([
      `hash of ${n} characters after $6$`,
      withField("passwordHash", "$6$" + "a".repeat(n)),
      /^passwordHash: /,
    ]);
  // past the request's limit, field by field and by padding: refused before it is parsed
  for (const field of STRINGS)
    for (const extra of [1, 2, 100, 4096, 65536]) {
      const base = json(good).length - String(good[field]).length;
      const raw = withField(field, "a".repeat(MAX_REQUEST_BYTES - base + extra));
      out.push([`${field} making the request ${extra} bytes too long`, raw, /longer than/]);
    }
  // "é" is 2 bytes: the request is 1024 + 2n - 1 or + 2n bytes, fewer than 1024 characters
  const base = json(good).length - good.hostname.length;
  for (const n of [1, 2, 3, 4]) {
    const raw = withField("hostname", "é".repeat(Math.ceil((MAX_REQUEST_BYTES - base) / 2) + n));
    out.push([
      `multi-byte hostname ${n} characters past the limit (bytes, not characters)`,
      raw,
      /longer than/,
    ]);
  }
  return out;
}

function nesting(): Case[] {
  const out: Case[] = [];
  const want: Record<(typeof FIELDS)[number], RegExp> = {
    v: /^v: unsupported version/,
    id: /^id: must be a string/,
    hostname: /^hostname: must be a string/,
    user: /^user: must be a string/,
    passwordHash: /^passwordHash: must be a string/,
    withXen: /^withXen: must be a boolean/,
  };
  for (const field of FIELDS)
    for (const depth of [1, 2, 5, 20, 100]) {
      let arr: unknown = good[field];
      let obj: unknown = good[field];
      for (let i = 0; i < depth; i++) {
        arr = [arr];
        obj = { [field]: obj };
      }
      // deep enough, a nesting is refused by its size before it is parsed
      const sized = (raw: string) =>
        Buffer.byteLength(raw) > MAX_REQUEST_BYTES ? /longer than/ : want[field];
      const a = withField(field, arr);
      const o = withField(field, obj);
      out.push([`${field} in ${depth} nested arrays`, a, sized(a)]);
      out.push([`${field} in ${depth} nested objects`, o, sized(o)]);
    }
  for (const field of FIELDS)
    for (const [what, v] of [
      ["null", null],
      ["a number", 7],
      ["true", true],
      ["an empty object", {}],
      ["an empty array", []],
    ] as const)
      if (!(field === "withXen" && typeof v === "boolean"))
        out.push([
          `${field} as ${what}`,
          withField(field, v),
          field === "v" ? want.v : new RegExp(`^${field}: `),
        ]);
  // the whole request nested: not an object
  for (const depth of [1, 3, 50])
    out.push([
      `the request in ${depth} arrays`,
      "[".repeat(depth) + json(good) + "]".repeat(depth),
      /not a JSON object/,
    ]);
  // unbalanced and deep: not JSON, or too long to parse at all
  for (const depth of [10, 200, 511]) out.push([`${depth} open brackets`, "[".repeat(depth), /not JSON/]);
  for (const depth of [2000, 5000]) out.push([`${depth} open brackets`, "[".repeat(depth), /longer than/]);
  return out;
}

function duplicates(): Case[] {
  const out: Case[] = [];
  const text = json(good);
  for (const field of FIELDS) {
    const pair = `"${field}":${json(good[field])}`;
    out.push([`${field} twice, same value`, text.replace(pair, `${pair},${pair}`), /each field once/]);
    out.push([`${field} twice, the last at the end`, text.replace("}", `,${pair}}`), /each field once/]);
    const other = field === "withXen" ? "true" : field === "v" ? "2" : '"evil"';
    out.push([
      `${field} twice, another value`,
      text.replace(pair, `${pair},"${field}":${other}`),
      /each field once/,
    ]);
    out.push([
      `${field} with its key \\u-escaped`,
      text.replace(`"${field}"`, `"\\u00${field.charCodeAt(0).toString(16)}${field.slice(1)}"`),
      /each field once/,
    ]);
  }
  return out;
}

/** Debian's base accounts (request.ts RESERVED_USERS) and their upper-case forms. */
const RESERVED = [
  "root",
  "daemon",
  "bin",
  "sys",
  "sync",
  "games",
  "man",
  "lp",
  "mail",
  "news",
  "uucp",
  "proxy",
  "www-data",
  "backup",
  "list",
  "irc",
  "gnats",
  "nobody",
  "systemd-network",
  "systemd-resolve",
  "messagebus",
  "sshd",
  "_apt",
  "systemd-timesync",
  "polkitd",
];
function users(): Case[] {
  return [
    ...RESERVED.map((u): Case => [`reserved user ${u}`, withField("user", u), /already has/]),
    ...RESERVED.map((u): Case => [
      `reserved user ${u} in capitals`,
      withField("user", u.toUpperCase()),
      /^user: /,
    ]),
    ...["0day", "-x", "9", "a b", "a.b", "a@b", "anna$"].map((u): Case => [
      `user ${u}`,
      withField("user", u),
      /^user: /,
    ]),
  ];
}

function hashes(): Case[] {
  const tail = HASH.slice(3);
  const out: Case[] = [];
  for (const p of [
    "$1$",
    "$2a$",
    "$2b$",
    "$2y$",
    "$3$",
    "$7$",
    "$md5$",
    "$sha1$",
    "$gy$",
    "$Y$",
    "$",
    "6$",
    "$6",
    "y$",
    "$$",
    "$ 6$",
    "_",
  ])
    out.push([`hash with prefix ${p}`, withField("passwordHash", p + tail), /^passwordHash: /]);
  for (const c of PUNCT)
    for (const where of PLACES)
      out.push([
        `hash with ${JSON.stringify(c)} at the ${where}`,
        withField("passwordHash", at(HASH, where, c)),
        /^passwordHash: /,
      ]);
  return out;
}

function punctuation(): Case[] {
  const out: Case[] = [];
  // what a field takes there: '-' inside a hostname; '_' and '-' in a user (left out everywhere)
  const allowed = (field: string, c: string, where: Where) =>
    (field === "hostname" && c === "-" && where !== "start" && where !== "end") ||
    (field === "user" && (c === "_" || c === "-"));
  for (const field of ["id", "hostname", "user"] as const)
    for (const c of [...PUNCT, "$", ".", "/", "=", ",", "_", "-"])
      for (const where of PLACES) {
        if (allowed(field, c, where)) continue;
        out.push([
          `${field} with ${JSON.stringify(c)} at the ${where}`,
          withField(field, at(String(good[field]), where, c)),
          new RegExp(`^${field}: `),
        ]);
      }
  return out;
}

export const GENERATED: Case[] = [
  ...inFields(CONTROLS, "control character"),
  ...inFields(NON_ASCII, "non-ASCII"),
  ...lengths(),
  ...nesting(),
  ...duplicates(),
  ...users(),
  ...hashes(),
  ...punctuation(),
];
