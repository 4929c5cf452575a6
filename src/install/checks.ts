import { HOSTNAME_RE, PASSWORD_HASH_RE, USER_RE, type InstallRequest } from "./api.ts";

/** Why a request cannot be installed, or null. The installer trusts no caller, the broker included. */
export function requestProblem(r: InstallRequest): string | null {
  if (!/^[a-z][a-z0-9.-]{0,62}$/.test(r.flavour))
    return `flavour ${JSON.stringify(r.flavour)} is not a flavour name`;
  if (!HOSTNAME_RE.test(r.hostname))
    return `hostname ${JSON.stringify(r.hostname)}: letters, digits and inner dashes, at most 63`;
  if (!USER_RE.test(r.user) || r.user === "root")
    return `user ${JSON.stringify(r.user)}: a lower-case login name, not root`;
  if (!PASSWORD_HASH_RE.test(r.passwordHash))
    return "password hash: a crypt(3) hash ($y$, $6$ or $5$) is expected";
  if (typeof r.withXen !== "boolean") return "withXen: true or false";
  const t = r.target;
  if (t.kind === "device" && !/^\/dev\/[A-Za-z0-9/_-]+$/.test(t.path))
    return `target ${t.path} is not a /dev path`;
  if (t.kind === "image" && (!t.path.startsWith("/") || t.path.split("/").includes("..")))
    return `image ${t.path}: an absolute path without ..`;
  if (t.kind === "image" && !(Number.isSafeInteger(t.sizeBytes) && t.sizeBytes > 0))
    return "image size: bytes, > 0";
  return null;
}
