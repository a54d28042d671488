/**
 * Bytes of a hex string: the generated WebAssembly modules are shipped this way. Hex keeps every
 * byte at a whole-character position, so repeated instruction sequences stay repeated text that
 * gzip compresses (base64's 6-bit groups shift them): a third less after gzip than base64.
 */
export function decodeHex(s: string): Uint8Array {
  const out = new Uint8Array(s.length >> 1);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(s.substr(2 * i, 2), 16);
  return out;
}
