/**
 * The two facts the guest initrd needs from an executable to copy it with its shared libraries:
 * its program interpreter (PT_INTERP) and its DT_NEEDED names. ELF64 little-endian only (x86-64).
 */

export interface ElfDeps {
  /** e.g. "/lib64/ld-linux-x86-64.so.2"; absent for static executables and for libraries. */
  interp?: string;
  /** e.g. ["libresolv.so.2", "libc.so.6"], in file order. */
  needed: string[];
}

const PT_LOAD = 1;
const PT_DYNAMIC = 2;
const PT_INTERP = 3;
const DT_NULL = 0n;
const DT_NEEDED = 1n;
const DT_STRTAB = 5n;

function cString(b: Buffer, off: number): string {
  const end = b.indexOf(0, off);
  if (off >= b.length || end < 0) throw new Error("elf: string runs past the end of the file");
  return b.subarray(off, end).toString("latin1");
}

export function elfDeps(b: Buffer, what = "file"): ElfDeps {
  if (b.length < 64 || b.readUInt32BE(0) !== 0x7f454c46) throw new Error(`elf: ${what} is not an ELF file`);
  if (b[4] !== 2 || b[5] !== 1) throw new Error(`elf: ${what} is not ELF64 little-endian`);
  const phoff = Number(b.readBigUInt64LE(0x20));
  const phentsize = b.readUInt16LE(0x36);
  const phnum = b.readUInt16LE(0x38);
  const phdrs = Array.from({ length: phnum }, (_, i) => {
    const o = phoff + i * phentsize;
    if (o + 56 > b.length) throw new Error(`elf: ${what}: program header ${i} past the end of the file`);
    return {
      type: b.readUInt32LE(o),
      offset: Number(b.readBigUInt64LE(o + 8)),
      vaddr: b.readBigUInt64LE(o + 16),
      filesz: b.readBigUInt64LE(o + 32),
    };
  });
  const out: ElfDeps = { needed: [] };
  const interp = phdrs.find((p) => p.type === PT_INTERP);
  if (interp) out.interp = cString(b, interp.offset);
  const dyn = phdrs.find((p) => p.type === PT_DYNAMIC);
  if (!dyn) return out;

  const entries: [bigint, bigint][] = [];
  for (let o = dyn.offset; o + 16 <= dyn.offset + Number(dyn.filesz); o += 16) {
    const tag = b.readBigInt64LE(o);
    if (tag === DT_NULL) break;
    entries.push([tag, b.readBigUInt64LE(o + 8)]);
  }
  const strtab = entries.find(([t]) => t === DT_STRTAB)?.[1];
  if (strtab === undefined) throw new Error(`elf: ${what} has a dynamic section without DT_STRTAB`);
  // DT_STRTAB is an address: find the file offset through the PT_LOAD segment that maps it.
  const load = phdrs.find((p) => p.type === PT_LOAD && p.vaddr <= strtab && strtab < p.vaddr + p.filesz);
  if (!load) throw new Error(`elf: ${what}: DT_STRTAB is not in a loaded segment`);
  const base = load.offset + Number(strtab - load.vaddr);
  for (const [tag, val] of entries) if (tag === DT_NEEDED) out.needed.push(cString(b, base + Number(val)));
  return out;
}

/** Where the dynamic loader of a Debian amd64 system looks for a DT_NEEDED name, in order. */
export const LIBRARY_DIRS = ["lib/x86_64-linux-gnu", "usr/lib/x86_64-linux-gnu", "lib", "usr/lib"] as const;
