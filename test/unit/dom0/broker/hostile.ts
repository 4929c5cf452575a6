import { MAX_REQUEST_BYTES } from "../../../../src/dom0/broker/request.ts";

/** The hostile requests every check of the broker is run against. */
export const HASH = "$6$saltsalt$" + "a".repeat(86);
export const good = { v: 1, id: "abcd1234", hostname: "myhost", user: "anna", passwordHash: HASH, withXen: false };
export const json = (o: unknown) => JSON.stringify(o);
export const withField = (k: string, v: unknown) => json({ ...good, [k]: v });

/** Each entry: what it tries, the raw value, and a word the refusal must contain. */
export const HOSTILE: [string, unknown, RegExp][] = [
  ["not a string", 42, /not text/],
  ["null value", null, /not text/],
  ["empty", "", /not JSON/],
  ["garbage", "install please", /not JSON/],
  ["truncated JSON", json(good).slice(0, -3), /not JSON/],
  ["a JSON array", json([good]), /not a JSON object/],
  ["a JSON string", json(json(good)), /not a JSON object/],
  ["JSON null", "null", /not a JSON object/],
  ["huge hostname", withField("hostname", "a".repeat(5000)), /longer than/],
  ["just over the size limit", json({ ...good, user: "u" }) + " ".repeat(MAX_REQUEST_BYTES), /longer than/],
  ["unknown field", json({ ...good, disk: "/dev/sda" }), /unknown fields/],
  ["flavour smuggled in", json({ ...good, flavour: "server" }), /unknown fields/],
  ["a disk and nothing else", '{"v":1,"disk":"/dev/sda"}', /unknown fields/],
  ["__proto__ field", json(good).replace("{", '{"__proto__":{"admin":true},'), /unknown fields|schema/],
  ["nested object as hostname", withField("hostname", { a: 1 }), /hostname: must be a string/],
  ["array as user", withField("user", ["anna"]), /user: must be a string/],
  ["number as string", withField("withXen", "true"), /withXen: must be a boolean/],
  ["version as string", withField("v", "1"), /v: unsupported version/],
  ["future version", withField("v", 2), /v: unsupported version/],
  ["missing password", json({ ...good, passwordHash: undefined }), /passwordHash: missing/],
  ["duplicate key", json(good).replace('"hostname":"myhost"', '"hostname":"myhost","hostname":"evil"'), /each field once/],
  ["padded JSON", json(good).replace(",", ", "), /compact/],
  ["escaped letters", json(good).replace('"myhost"', '"\\u006dyhost"'), /compact/],
  ["path in hostname", withField("hostname", "../../etc"), /hostname:/],
  ["slash in user", withField("user", "a/b"), /user:/],
  ["dotdot user", withField("user", ".."), /user:/],
  ["shell in hostname", withField("hostname", "x;reboot"), /hostname:/],
  ["command substitution in user", withField("user", "$(id)"), /user:/],
  ["backticks in user", withField("user", "`id`"), /user:/],
  ["NUL in hostname", withField("hostname", "host\u0000evil"), /compact|hostname:/],
  ["newline in user", withField("user", "anna\nroot::0:0::/:/bin/sh"), /compact|user:/],
  ["colon in user (passwd field)", withField("user", "anna:x:0:0"), /user:/],
  ["root user", withField("user", "root"), /already has/],
  ["upper-case hostname", withField("hostname", "MyHost"), /hostname:/],
  ["hostname with leading dash", withField("hostname", "-x"), /hostname:/],
  ["64-char hostname", withField("hostname", "a".repeat(64)), /hostname:/],
  ["plain password instead of hash", withField("passwordHash", "secret"), /crypt hash/],
  ["md5 hash", withField("passwordHash", "$1$salt$abcdefghijklmnopqrstuv"), /crypt hash/],
  ["hash with a colon", withField("passwordHash", HASH.slice(0, -1) + ":"), /crypt hash/],
  ["empty hash (no password)", withField("passwordHash", ""), /crypt hash/],
  ["escape sequence in id", withField("id", "\u001b[2Jabcdefgh"), /compact|id:/],
  ["short id", withField("id", "a1"), /id:/],
  ["number as id", withField("id", 12345678), /id: must be a string/],
  ["withXen as 1", withField("withXen", 1), /withXen: must be a boolean/],
  ["empty object", "{}", /missing|version/],
  ["deeply nested", "[".repeat(100000) + "]".repeat(100000), /longer than/],
  ["invalid UTF-8 replacement chars", withField("hostname", "h\ufffd"), /compact|hostname:/],
  ["very long user", withField("user", "a".repeat(40)), /user:/],
];

