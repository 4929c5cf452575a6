import { z } from "zod";
import { HOSTNAME_RE, PASSWORD_HASH_RE, USER_RE } from "../../install/api.ts";

/**
 * An install request as a guest writes it (initrd-skel/guest/usr/lib/livedeck/livedeck-install) under
 * its own `data/livedeck/install/request`. Every byte comes from the guest, which may be hostile:
 * the value is size-checked before parsing, must be compact canonical JSON (so a duplicate key, a
 * `\u` escape or padding is refused rather than silently resolved), and every field is strict.
 * The flavour is not part of it: dom0 takes it from the guest's domain name, never from the guest.
 */

/** Longer values are refused unparsed; a real request is ~200 bytes (the hash is 106 of them). */
export const MAX_REQUEST_BYTES = 1024;

/** Accounts Debian's base system already has: a new user by one of these names would clash. */
const RESERVED_USERS = new Set([
  "root", "daemon", "bin", "sys", "sync", "games", "man", "lp", "mail", "news", "uucp", "proxy",
  "www-data", "backup", "list", "irc", "gnats", "nobody", "systemd-network", "systemd-resolve",
  "messagebus", "sshd", "_apt", "systemd-timesync", "polkitd",
]);

export const InstallRequestSchema = z
  .object({
    /** Protocol version: a guest from a newer medium is told so instead of being half understood. */
    v: z.literal(1),
    /** Chosen by the guest; dom0's status names it, so the guest knows the answer is to this request. */
    id: z.string().regex(/^[a-z0-9]{8,32}$/, "must be 8-32 lower-case letters or digits"),
    hostname: z
      .string()
      .regex(HOSTNAME_RE, "must be one DNS label: a-z, 0-9, '-' inside, at most 63"),
    user: z
      .string()
      .regex(USER_RE, "must be a user name: a-z, 0-9, '_', '-', at most 31, not starting with a digit")
      .refine((u) => !RESERVED_USERS.has(u), "names an account the system already has"),
    /** A crypt(3) hash made in the guest: the password itself never leaves it. */
    passwordHash: z.string().regex(PASSWORD_HASH_RE, "must be a crypt hash ($y$, $6$ or $5$)"),
    withXen: z.boolean(),
  })
  .strict();
export type InstallRequest = z.infer<typeof InstallRequestSchema>;

export type Validated = { ok: true; request: InstallRequest } | { ok: false; reason: string };

const refuse = (reason: string): Validated => ({ ok: false, reason });

/**
 * Validates a raw request value. Never throws. A reason never quotes the guest's bytes (they would
 * reach dom0's terminal): it names a field of the schema, or says what kind of value was wrong.
 */
export function validateRequest(raw: unknown): Validated {
  try {
    if (typeof raw !== "string") return refuse("the request is not text");
    if (Buffer.byteLength(raw, "utf8") > MAX_REQUEST_BYTES)
      return refuse(`the request is longer than ${MAX_REQUEST_BYTES} bytes`);
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch {
      return refuse("the request is not JSON");
    }
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed))
      return refuse("the request is not a JSON object");
    if (JSON.stringify(parsed) !== raw)
      return refuse("the request is not compact JSON with each field once");
    const r = InstallRequestSchema.safeParse(parsed);
    if (r.success) return { ok: true, request: r.data };
    const known = new Set(Object.keys(InstallRequestSchema.shape));
    // a field this dom0 does not know says more than the ones then missing
    if (r.error.issues.some((i) => i.code === "unrecognized_keys")) return refuse("the request has unknown fields");
    const issue = r.error.issues[0]!;
    const field = String(issue.path[0] ?? "");
    if (!known.has(field)) return refuse("the request does not match the schema");
    if (issue.code === "invalid_type")
      return refuse(
        issue.received === "undefined" ? `${field}: missing` : `${field}: must be a ${issue.expected}`,
      );
    if (issue.code === "invalid_literal") return refuse(`${field}: unsupported version (this dom0 speaks 1)`);
    return refuse(`${field}: ${issue.message}`);
  } catch {
    return refuse("the request could not be read");
  }
}
