import { readFileSync } from "node:fs";
import { join } from "node:path";

/** Real captures from a Xen 4.17.7 dom0 (test/fixtures/xl/README.md). */
export const XL_FIXTURES = join(import.meta.dirname, "../../fixtures/xl");
export const fixture = (name: string) => readFileSync(join(XL_FIXTURES, name), "utf8");
