/**
 * Where a test run's time goes (issue 20: the next change should see it): the slowest test files,
 * and the media the vm tier built (test/helpers/ci-iso.ts appends one JSON line per build to the
 * file named by BUILD_REPORT_ENV). Pure: the reporter and the global setup print what these return.
 */
export const BUILD_REPORT_ENV = "LIVEDECK_BUILD_REPORT";

export interface FileTime {
  /** project (unit, tools, vm) */
  project: string;
  /** path relative to the repository */
  file: string;
  ms: number;
}

export interface BuildTime {
  /** what the build was for: the calling test file and what it changed of the CI deck */
  variant: string;
  ms: number;
}

const secs = (ms: number) => `${(ms / 1000).toFixed(0)} s`;

/** The `n` slowest files, slowest first, one line each, and their share of all files' time. */
export function formatSlowest(files: readonly FileTime[], n = 10): string[] {
  const total = files.reduce((a, f) => a + f.ms, 0);
  const top = [...files].sort((a, b) => b.ms - a.ms).slice(0, n);
  if (!top.length) return [];
  const width = Math.max(...top.map((f) => secs(f.ms).length));
  const share = total > 0 ? Math.round((100 * top.reduce((a, f) => a + f.ms, 0)) / total) : 0;
  return [
    `test run: the ${top.length} slowest files (${share} % of ${secs(total)} in all files)`,
    ...top.map((f) => `  ${secs(f.ms).padStart(width)}  ${f.project.padEnd(5)} ${f.file}`),
  ];
}

/** The builds' JSON lines → a summary line and one line per build, in the order they ran. */
export function formatBuilds(text: string): string[] {
  const builds = text
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l) as BuildTime);
  if (!builds.length) return ["test run: no medium built"];
  const total = builds.reduce((a, b) => a + b.ms, 0);
  return [
    `test run: ${builds.length} medium build${builds.length === 1 ? "" : "s"}, ${secs(total)} in all`,
    ...builds.map((b) => `  ${secs(b.ms).padStart(6)}  ${b.variant}`),
  ];
}
