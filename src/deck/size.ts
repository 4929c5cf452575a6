import { z } from "zod";

const UNITS: Record<string, number> = { K: 1 / 1024, M: 1, G: 1024 };

/** Parses `128M`, `1G`, `512K` or a bare number of MiB into MiB; null when it is not a size. */
export function parseSizeMiB(v: string | number): number | null {
  if (typeof v === "number") return Number.isFinite(v) && v >= 0 ? v : null;
  const m = /^\s*(\d+(?:\.\d+)?)\s*([KMG])i?B?\s*$/i.exec(v);
  if (!m) return null;
  return Number(m[1]) * UNITS[m[2]!.toUpperCase()]!;
}

export function formatMiB(mib: number): string {
  return mib >= 1024 && mib % 1024 === 0 ? `${mib / 1024}G` : `${mib}M`;
}

/** A size in the deck, in MiB after parsing; its description is what error messages say is expected. */
export function size(min: number, max: number) {
  const range = `from ${formatMiB(min)} to ${formatMiB(max)}`;
  return z
    .union([z.string(), z.number()])
    .transform((v, ctx) => {
      const mib = parseSizeMiB(v);
      if (mib === null) {
        ctx.addIssue({
          code: "custom",
          message: `expected a size like 128M or 1G, got ${JSON.stringify(v)}`,
        });
        return z.NEVER;
      }
      if (mib < min || mib > max) {
        ctx.addIssue({ code: "custom", message: `expected a size ${range}, got ${v}` });
        return z.NEVER;
      }
      return Math.round(mib);
    })
    .describe(`a size like 128M or 1G, ${range}`);
}
