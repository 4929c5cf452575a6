/** dom0's own memory from /proc/meminfo (kB values), in MiB. */
export function parseMeminfo(text: string): { totalMiB: number; availableMiB: number } | null {
  const kb = (key: string) => {
    const m = new RegExp(`^${key}:\\s+(\\d+) kB$`, "m").exec(text);
    return m ? Number(m[1]) : null;
  };
  const total = kb("MemTotal");
  const available = kb("MemAvailable") ?? kb("MemFree");
  if (total === null || available === null) return null;
  return { totalMiB: Math.round(total / 1024), availableMiB: Math.round(available / 1024) };
}
