/** The IDX file format of MNIST and Fashion-MNIST: a magic number, big-endian sizes, raw data. */
import { Tensor, describe } from '../../tensor/tensor.js';

const TYPES: Readonly<
  Record<number, { bytes: number; read: (v: DataView, at: number) => number }>
> = {
  0x08: { bytes: 1, read: (v, at) => v.getUint8(at) },
  0x09: { bytes: 1, read: (v, at) => v.getInt8(at) },
  0x0b: { bytes: 2, read: (v, at) => v.getInt16(at, false) },
  0x0c: { bytes: 4, read: (v, at) => v.getInt32(at, false) },
  0x0d: { bytes: 4, read: (v, at) => v.getFloat32(at, false) },
  0x0e: { bytes: 8, read: (v, at) => v.getFloat64(at, false) },
};

/**
 * Reads an (uncompressed) IDX file — the format of the MNIST and Fashion-MNIST image and label
 * files — into a float32 tensor of its shape, values unchanged (pixels stay 0…255).
 *
 * @param bytes - The whole file. Gzipped files (`*.gz`) must be decompressed first (Node:
 *   `zlib.gunzipSync`; browsers: `new DecompressionStream('gzip')`).
 * @returns A tensor, e.g. `[60000, 28, 28]` for images or `[60000]` for labels.
 * @throws Error for gzip data, a bad magic number, an unknown element type or a truncated file.
 * @example
 * ```ts
 * const images = readIdx(zlib.gunzipSync(fs.readFileSync('train-images-idx3-ubyte.gz')));
 * ```
 */
export function readIdx(bytes: Uint8Array | ArrayBuffer): Tensor {
  const data = bytes instanceof ArrayBuffer ? new Uint8Array(bytes) : bytes;
  if (!(data instanceof Uint8Array))
    throw new TypeError(`readIdx: expected a Uint8Array or ArrayBuffer, got ${describe(bytes)}`);
  if (data.length >= 2 && data[0] === 0x1f && data[1] === 0x8b)
    throw new Error(
      'readIdx: the data is gzip-compressed; decompress it first (zlib.gunzipSync or DecompressionStream)',
    );
  if (data.length < 4 || data[0] !== 0 || data[1] !== 0)
    throw new Error('readIdx: not an IDX file (the magic number must start with two zero bytes)');
  const type = TYPES[data[2]];
  if (type === undefined)
    throw new Error(`readIdx: unknown element type 0x${data[2].toString(16)}`);
  const dims = data[3];
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  if (data.length < 4 + 4 * dims) throw new Error('readIdx: the header is truncated');
  const shape: number[] = [];
  for (let i = 0; i < dims; i++) shape.push(view.getUint32(4 + 4 * i, false));
  const count = shape.reduce((a, b) => a * b, 1);
  const start = 4 + 4 * dims;
  if (data.length < start + count * type.bytes)
    throw new Error(
      `readIdx: shape [${shape.join(', ')}] needs ${count * type.bytes} data bytes, the file has ${data.length - start} (truncated?)`,
    );
  const out = new Float32Array(count);
  if (type.bytes === 1 && data[2] === 0x08) out.set(data.subarray(start, start + count));
  else for (let i = 0; i < count; i++) out[i] = type.read(view, start + i * type.bytes);
  return Tensor._fromData(out, shape);
}
