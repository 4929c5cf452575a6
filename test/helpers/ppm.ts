/**
 * Binary PPM (P6) images, as QMP's `screendump` and `djpeg -pnm` write them, and the few numbers
 * the graphical tests judge a picture by. Pure.
 */
export interface Ppm {
  width: number;
  height: number;
  /** RGB, 3 bytes per pixel, row by row. */
  pixels: Buffer;
}

export function parsePpm(data: Buffer): Ppm {
  // header: P6, width, height, maxval (255), each after whitespace; comments start with #
  const fields: string[] = [];
  let i = 0;
  while (fields.length < 4) {
    while (i < data.length && /\s/.test(String.fromCharCode(data[i]!))) i++;
    if (data[i] === 0x23) {
      while (i < data.length && data[i] !== 0x0a) i++;
      continue;
    }
    const start = i;
    while (i < data.length && !/\s/.test(String.fromCharCode(data[i]!))) i++;
    if (i === start) throw new Error("PPM: header cut short");
    fields.push(data.subarray(start, i).toString("latin1"));
  }
  const [magic, w, h, max] = fields;
  if (magic !== "P6" || max !== "255")
    throw new Error(`PPM: expected P6 with maxval 255, got ${magic} ${max}`);
  const width = Number(w);
  const height = Number(h);
  const pixels = data.subarray(i + 1, i + 1 + width * height * 3);
  if (pixels.length !== width * height * 3)
    throw new Error(`PPM: ${pixels.length} bytes of pixels for ${width}x${height}`);
  return { width, height, pixels };
}

export interface PictureStats {
  /** Distinct colours. */
  colours: number;
  /** Share of the pixels that have the most common colour (1: a single-colour frame). */
  dominant: number;
  /** Share of the pixels that are black or nearly (a text console's background). */
  dark: number;
}

export function pictureStats(p: Ppm): PictureStats {
  const counts = new Map<number, number>();
  let dark = 0;
  const px = p.pixels;
  for (let o = 0; o < px.length; o += 3) {
    const r = px[o]!;
    const g = px[o + 1]!;
    const b = px[o + 2]!;
    const key = (r << 16) | (g << 8) | b;
    counts.set(key, (counts.get(key) ?? 0) + 1);
    if (r < 24 && g < 24 && b < 24) dark++;
  }
  const n = px.length / 3;
  return { colours: counts.size, dominant: Math.max(...counts.values()) / n, dark: dark / n };
}

/** The most common colour. */
export function dominantColour(p: Ppm): [number, number, number] {
  const counts = new Map<number, number>();
  const px = p.pixels;
  for (let o = 0; o < px.length; o += 3) {
    const key = (px[o]! << 16) | (px[o + 1]! << 8) | px[o + 2]!;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  let best = 0;
  let most = -1;
  for (const [key, n] of counts) if (n > most) [best, most] = [key, n];
  return [best >> 16, (best >> 8) & 255, best & 255];
}

/** Share of the pixels in rows [from, to) within `tol` of `rgb` in every channel (a lossy copy's colour). */
export function colourShare(
  p: Ppm,
  rgb: readonly [number, number, number],
  tol: number,
  from = 0,
  to = p.height,
): number {
  const px = p.pixels;
  let hits = 0;
  for (let o = from * p.width * 3; o < to * p.width * 3; o += 3)
    if (
      Math.abs(px[o]! - rgb[0]) <= tol &&
      Math.abs(px[o + 1]! - rgb[1]) <= tol &&
      Math.abs(px[o + 2]! - rgb[2]) <= tol
    )
      hits++;
  return hits / ((to - from) * p.width);
}
