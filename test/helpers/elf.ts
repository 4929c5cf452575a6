/**
 * A minimal ELF64 little-endian file for tests: one PT_LOAD mapping the whole file at 0x400000,
 * and optionally a PT_INTERP and a PT_DYNAMIC with DT_NEEDED entries.
 */
export function fakeElf(o: { interp?: string; needed?: string[] } = {}): Buffer {
  const b = Buffer.alloc(1024);
  const VADDR = 0x400000n;
  b.writeUInt32BE(0x7f454c46, 0);
  b[4] = 2; // ELFCLASS64
  b[5] = 1; // little-endian
  b[6] = 1;
  b.writeUInt16LE(2, 0x10); // ET_EXEC
  b.writeUInt16LE(62, 0x12); // x86-64
  b.writeBigUInt64LE(64n, 0x20); // e_phoff
  b.writeUInt16LE(64, 0x34);
  b.writeUInt16LE(56, 0x36);
  const phdrs: [number, number, number][] = [[1, 0, 1024]]; // type, offset, filesz
  if (o.interp) {
    b.write(`${o.interp}\0`, 256, "latin1");
    phdrs.push([3, 256, o.interp.length + 1]);
  }
  if (o.needed) {
    const names = o.needed.map((n) => `${n}\0`);
    b.write(`\0${names.join("")}`, 512, "latin1");
    let off = 800;
    let name = 1;
    for (const n of names) {
      b.writeBigInt64LE(1n, off); // DT_NEEDED
      b.writeBigUInt64LE(BigInt(name), off + 8);
      name += n.length;
      off += 16;
    }
    b.writeBigInt64LE(5n, off); // DT_STRTAB (an address)
    b.writeBigUInt64LE(VADDR + 512n, off + 8);
    phdrs.push([2, 800, off + 32 - 800]);
  }
  b.writeUInt16LE(phdrs.length, 0x38);
  phdrs.forEach(([type, offset, filesz], i) => {
    const p = 64 + i * 56;
    b.writeUInt32LE(type, p);
    b.writeBigUInt64LE(BigInt(offset), p + 8);
    b.writeBigUInt64LE(VADDR + BigInt(offset), p + 16);
    b.writeBigUInt64LE(BigInt(filesz), p + 32);
  });
  return b;
}
