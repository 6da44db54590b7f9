// A small, fully specified gzip encoder: LZ77 over a 32 KiB window (hash chains, greedy, bounded search) coded with
// DEFLATE's fixed Huffman tables. Its output depends only on its input, never on the zlib that Node happens to bundle
// (whose bytes change between builds), so a committed package.tgz rebuilds identically anywhere.
// https://www.rfc-editor.org/rfc/rfc1951 https://www.rfc-editor.org/rfc/rfc1952

const WINDOW = 32768;
const MIN_MATCH = 3;
const MAX_MATCH = 258;
const MAX_CHAIN = 64;
const HASH_BITS = 15;

const LENGTH_BASE = [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258];
const LENGTH_EXTRA = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0];
const DIST_BASE = [1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577];
const DIST_EXTRA = [0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13];

class BitWriter {
  private readonly chunks: Buffer[] = [];
  private buf = Buffer.alloc(1 << 16);
  private pos = 0;
  private bits = 0;
  private count = 0;

  /** `n` bits of `value`, least significant first (how DEFLATE packs everything but Huffman codes). */
  write(value: number, n: number): void {
    this.bits |= value << this.count;
    this.count += n;
    while (this.count >= 8) {
      this.byte(this.bits & 0xff);
      this.bits >>>= 8;
      this.count -= 8;
    }
  }

  /** A Huffman code, most significant bit first. */
  code(code: number, n: number): void {
    let reversed = 0;
    for (let i = 0; i < n; i++) reversed |= ((code >> i) & 1) << (n - 1 - i);
    this.write(reversed, n);
  }

  finish(): Buffer {
    if (this.count > 0) this.byte(this.bits & 0xff);
    this.chunks.push(this.buf.subarray(0, this.pos));
    return Buffer.concat(this.chunks);
  }

  private byte(b: number): void {
    if (this.pos === this.buf.length) {
      this.chunks.push(this.buf);
      this.buf = Buffer.alloc(this.buf.length);
      this.pos = 0;
    }
    this.buf[this.pos++] = b;
  }
}

/** Fixed Huffman code of a literal/length symbol (RFC 1951 3.2.6). */
function literal(out: BitWriter, sym: number): void {
  if (sym < 144) out.code(0x30 + sym, 8);
  else if (sym < 256) out.code(0x190 + sym - 144, 9);
  else if (sym < 280) out.code(sym - 256, 7);
  else out.code(0xc0 + sym - 280, 8);
}

function match(out: BitWriter, length: number, distance: number): void {
  let l = LENGTH_BASE.length - 1;
  while (LENGTH_BASE[l] > length) l--;
  literal(out, 257 + l);
  out.write(length - LENGTH_BASE[l], LENGTH_EXTRA[l]);
  let d = DIST_BASE.length - 1;
  while (DIST_BASE[d] > distance) d--;
  out.code(d, 5);
  out.write(distance - DIST_BASE[d], DIST_EXTRA[d]);
}

/** Raw DEFLATE: one final block with fixed Huffman codes. */
export function deflateRaw(data: Buffer): Buffer {
  const out = new BitWriter();
  out.write(1, 1); // BFINAL
  out.write(1, 2); // BTYPE 01: fixed Huffman
  const head = new Int32Array(1 << HASH_BITS).fill(-1);
  const prev = new Int32Array(WINDOW);
  const hash = (i: number) => (((data[i] << 10) ^ (data[i + 1] << 5) ^ data[i + 2]) & ((1 << HASH_BITS) - 1));
  const insert = (i: number) => {
    if (i + MIN_MATCH > data.length) return;
    const h = hash(i);
    prev[i % WINDOW] = head[h];
    head[h] = i;
  };
  let i = 0;
  while (i < data.length) {
    let bestLen = 0;
    let bestDist = 0;
    if (i + MIN_MATCH <= data.length) {
      const limit = Math.min(MAX_MATCH, data.length - i);
      let candidate = head[hash(i)];
      for (let chain = 0; candidate >= 0 && i - candidate <= WINDOW && chain < MAX_CHAIN; chain++) {
        let len = 0;
        while (len < limit && data[candidate + len] === data[i + len]) len++;
        if (len > bestLen) {
          bestLen = len;
          bestDist = i - candidate;
          if (len === limit) break;
        }
        const next = prev[candidate % WINDOW];
        if (next >= candidate) break; // the slot was reused by a newer position: the chain ends here
        candidate = next;
      }
    }
    if (bestLen >= MIN_MATCH) {
      match(out, bestLen, bestDist);
      for (let k = 0; k < bestLen; k++) insert(i + k);
      i += bestLen;
    } else {
      literal(out, data[i]);
      insert(i);
      i++;
    }
  }
  literal(out, 256); // end of block
  return out.finish();
}

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

function crc32(data: Buffer): number {
  let c = 0xffffffff;
  for (const b of data) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** gzip member: no name, no time (MTIME 0), OS 255 (unknown). */
export function gzip(data: Buffer): Buffer {
  const header = Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff]);
  const trailer = Buffer.alloc(8);
  trailer.writeUInt32LE(crc32(data), 0);
  trailer.writeUInt32LE(data.length >>> 0, 4);
  return Buffer.concat([header, deflateRaw(data), trailer]);
}
