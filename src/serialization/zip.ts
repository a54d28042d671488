/**
 * The subset of ZIP that PyTorch's checkpoints use: stored (uncompressed) entries, read through
 * the central directory (ZIP64 included), written with PyTorch's 64-byte data alignment.
 */

/** One file of an archive: its name and bytes (a view into the archive when read). */
export interface ZipEntry {
  name: string;
  data: Uint8Array;
}

const CRC_TABLE = /* @__PURE__ */ (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** The CRC-32 of `bytes` (the ZIP checksum). */
export function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function fail(op: string, message: string): never {
  throw new Error(`${op}: ${message}`);
}

/**
 * Lists the entries of a ZIP archive. Only stored entries can be read; others throw when read.
 *
 * @param bytes - The whole archive.
 * @param op - The public function reading it, for messages.
 * @returns The entries in central-directory order.
 * @throws Error when the archive is truncated or malformed, or an entry is compressed.
 */
export function readZip(bytes: Uint8Array, op: string): ZipEntry[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = bytes.length;
  let eocd = -1;
  for (let i = n - 22; i >= Math.max(0, n - 22 - 65535); i--) {
    if (view.getUint32(i, true) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) fail(op, 'not a ZIP archive (no end-of-central-directory record; truncated file?)');
  let count = view.getUint16(eocd + 10, true);
  let cdSize = view.getUint32(eocd + 12, true);
  let cdOffset = view.getUint32(eocd + 16, true);
  if (count === 0xffff || cdOffset === 0xffffffff || cdSize === 0xffffffff) {
    const locator = eocd - 20;
    if (locator < 0 || view.getUint32(locator, true) !== 0x07064b50) fail(op, 'bad ZIP64 locator');
    const z64 = Number(view.getBigUint64(locator + 8, true));
    if (z64 + 56 > n || view.getUint32(z64, true) !== 0x06064b50) fail(op, 'bad ZIP64 end record');
    count = Number(view.getBigUint64(z64 + 32, true));
    cdSize = Number(view.getBigUint64(z64 + 40, true));
    cdOffset = Number(view.getBigUint64(z64 + 48, true));
  }
  if (cdOffset + cdSize > n)
    fail(op, 'the central directory lies outside the file (truncated file?)');
  const decoder = new TextDecoder();
  const entries: ZipEntry[] = [];
  let p = cdOffset;
  for (let k = 0; k < count; k++) {
    if (p + 46 > n || view.getUint32(p, true) !== 0x02014b50)
      fail(op, `bad central directory entry ${k}`);
    const method = view.getUint16(p + 10, true);
    let compressed = view.getUint32(p + 20, true);
    let size = view.getUint32(p + 24, true);
    const nameLen = view.getUint16(p + 28, true);
    const extraLen = view.getUint16(p + 30, true);
    const commentLen = view.getUint16(p + 32, true);
    let local = view.getUint32(p + 42, true);
    const name = decoder.decode(bytes.subarray(p + 46, p + 46 + nameLen));
    // ZIP64 extra field: the 64-bit values of the fields that hold 0xffffffff, in order.
    let e = p + 46 + nameLen;
    const extraEnd = e + extraLen;
    while (e + 4 <= extraEnd) {
      const id = view.getUint16(e, true);
      const len = view.getUint16(e + 2, true);
      if (id === 0x0001) {
        let q = e + 4;
        if (size === 0xffffffff) {
          size = Number(view.getBigUint64(q, true));
          q += 8;
        }
        if (compressed === 0xffffffff) {
          compressed = Number(view.getBigUint64(q, true));
          q += 8;
        }
        if (local === 0xffffffff) local = Number(view.getBigUint64(q, true));
      }
      e += 4 + len;
    }
    p = extraEnd + commentLen;
    if (local + 30 > n || view.getUint32(local, true) !== 0x04034b50)
      fail(op, `entry '${name}': bad local header (truncated file?)`);
    const start = local + 30 + view.getUint16(local + 26, true) + view.getUint16(local + 28, true);
    if (method !== 0)
      fail(
        op,
        `entry '${name}' is compressed (method ${method}); PyTorch checkpoints store entries uncompressed`,
      );
    if (start + size > n)
      fail(op, `entry '${name}' runs past the end of the file (truncated file?)`);
    entries.push({ name, data: bytes.subarray(start, start + size) });
  }
  return entries;
}

/**
 * Writes stored entries into a ZIP archive whose file data starts on 64-byte boundaries (padding
 * in the local extra field, as PyTorch's writer does), so that readers may map tensors in place.
 *
 * @param entries - Names and bytes, written in this order.
 * @returns The archive.
 * @throws RangeError when the archive would need ZIP64 (4 GiB or more).
 */
export function writeZip(entries: readonly ZipEntry[]): Uint8Array {
  const encoder = new TextEncoder();
  const parts: Uint8Array[] = [];
  const central: Uint8Array[] = [];
  let offset = 0;
  for (const { name, data } of entries) {
    const nameBytes = encoder.encode(name);
    const headerEnd = offset + 30 + nameBytes.length;
    const pad = (64 - ((headerEnd + 4) % 64)) % 64;
    const extraLen = 4 + pad;
    const crc = crc32(data);
    const local = new Uint8Array(30 + nameBytes.length + extraLen);
    const lv = new DataView(local.buffer);
    lv.setUint32(0, 0x04034b50, true);
    lv.setUint16(4, 20, true);
    lv.setUint16(8, 0, true);
    lv.setUint32(14, crc, true);
    lv.setUint32(18, data.length, true);
    lv.setUint32(22, data.length, true);
    lv.setUint16(26, nameBytes.length, true);
    lv.setUint16(28, extraLen, true);
    local.set(nameBytes, 30);
    lv.setUint16(30 + nameBytes.length, 0x4246, true); // 'FB', PyTorch's padding field id
    lv.setUint16(32 + nameBytes.length, pad, true);
    local.fill(0x5a, 34 + nameBytes.length); // 'Z'
    const cd = new Uint8Array(46 + nameBytes.length);
    const cv = new DataView(cd.buffer);
    cv.setUint32(0, 0x02014b50, true);
    cv.setUint16(4, 20, true);
    cv.setUint16(6, 20, true);
    cv.setUint32(16, crc, true);
    cv.setUint32(20, data.length, true);
    cv.setUint32(24, data.length, true);
    cv.setUint16(28, nameBytes.length, true);
    cv.setUint32(42, offset, true);
    cd.set(nameBytes, 46);
    parts.push(local, data);
    central.push(cd);
    offset += local.length + data.length;
  }
  const cdSize = central.reduce((s, c) => s + c.length, 0);
  if (offset + cdSize > 0xfffffff0)
    throw new RangeError('save: archives of 4 GiB or more are not supported');
  const end = new Uint8Array(22);
  const ev = new DataView(end.buffer);
  ev.setUint32(0, 0x06054b50, true);
  ev.setUint16(8, entries.length, true);
  ev.setUint16(10, entries.length, true);
  ev.setUint32(12, cdSize, true);
  ev.setUint32(16, offset, true);
  const out = new Uint8Array(offset + cdSize + 22);
  let at = 0;
  for (const part of [...parts, ...central, end]) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}
