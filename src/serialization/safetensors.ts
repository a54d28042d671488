/**
 * The safetensors file format: an 8-byte little-endian header length, a JSON header naming each
 * tensor's dtype, shape and byte range, then the raw little-endian data. Nothing in it can run code.
 * `save(tensors, metadata?)` writes bytes that Python's `safetensors` reads, and `load(bytes)`
 * reads its files back as named tensors.
 *
 * @module
 */
import { Tensor, describe } from '../tensor/tensor.js';
import { DTYPE_BYTES, decodeElements, float32Bytes, type StoredDtype } from './dtypes.js';

interface HeaderEntry {
  dtype: StoredDtype;
  shape: number[];
  data_offsets: [number, number];
}

const MAX_HEADER = 100_000_000;

function fail(message: string): never {
  throw new Error(`safetensors.load: ${message}`);
}

/**
 * Serialises named tensors into the safetensors format (float32, `F32`), as
 * `safetensors.torch.save` does: tensors sorted by name, the header padded with spaces to a
 * multiple of 8 bytes.
 *
 * @param tensors - Names and tensors (any strides; their elements are written in row-major order).
 * @param metadata - Optional string-to-string metadata stored under `__metadata__` (default none).
 * @returns The file's bytes.
 * @throws TypeError when a value is not a Tensor, a name is `__metadata__`, or metadata holds a
 *   non-string.
 * @example
 * ```ts
 * const bytes = torch.safetensors.save(Object.fromEntries(model.namedParameters()));
 * fs.writeFileSync('model.safetensors', bytes);
 * ```
 */
export function save(
  tensors: Record<string, Tensor>,
  metadata?: Record<string, string>,
): Uint8Array {
  if (tensors === null || typeof tensors !== 'object')
    throw new TypeError(
      `safetensors.save: tensors must be an object of Tensors, got ${describe(tensors)}`,
    );
  const header: Record<string, unknown> = {};
  if (metadata !== undefined) {
    if (metadata === null || typeof metadata !== 'object')
      throw new TypeError(
        `safetensors.save: metadata must be an object of strings, got ${describe(metadata)}`,
      );
    for (const [k, v] of Object.entries(metadata)) {
      if (typeof v !== 'string')
        throw new TypeError(
          `safetensors.save: metadata '${k}' must be a string, got ${describe(v)}`,
        );
    }
    header.__metadata__ = { ...metadata };
  }
  const names = Object.keys(tensors).sort();
  const chunks: Uint8Array[] = [];
  let offset = 0;
  for (const name of names) {
    const t = tensors[name];
    if (name === '__metadata__')
      throw new TypeError("safetensors.save: '__metadata__' is not a tensor name");
    if (!(t instanceof Tensor))
      throw new TypeError(`safetensors.save: '${name}' must be a Tensor, got ${describe(t)}`);
    const bytes = float32Bytes(t.toFloat32Array());
    header[name] = {
      dtype: 'F32',
      shape: [...t.shape],
      data_offsets: [offset, offset + bytes.length],
    };
    chunks.push(bytes);
    offset += bytes.length;
  }
  let json = new TextEncoder().encode(JSON.stringify(header));
  const padded = Math.ceil(json.length / 8) * 8;
  if (padded !== json.length) {
    const p = new Uint8Array(padded).fill(0x20);
    p.set(json);
    json = p;
  }
  const out = new Uint8Array(8 + json.length + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  let at = 8 + json.length;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/**
 * Reads a safetensors file into named float32 tensors (F64, F16, BF16 and integer types are
 * converted; int64 values above 2^24 lose precision as in any float32 conversion).
 *
 * @param bytes - The whole file.
 * @returns The tensors by name (metadata is available through {@link loadMetadata}).
 * @throws Error naming the problem when the file is truncated, its header is not valid JSON, a
 *   dtype is unknown, or a byte range is out of bounds, overlapping or of the wrong size.
 * @example
 * ```ts
 * const weights = torch.safetensors.load(fs.readFileSync('model.safetensors'));
 * model.loadStateDict(weights);
 * ```
 */
export function load(bytes: Uint8Array | ArrayBuffer): Record<string, Tensor> {
  const { header, dataStart, data } = parse(bytes);
  const out: Record<string, Tensor> = {};
  const ranges: Array<[number, number, string]> = [];
  for (const [name, raw] of Object.entries(header)) {
    if (name === '__metadata__') continue;
    const e = raw as Partial<HeaderEntry>;
    if (
      e === null ||
      typeof e !== 'object' ||
      !Array.isArray(e.shape) ||
      !Array.isArray(e.data_offsets)
    )
      fail(`entry '${name}' is not {dtype, shape, data_offsets}`);
    if (typeof e.dtype !== 'string' || !(e.dtype in DTYPE_BYTES))
      fail(`entry '${name}' has unsupported dtype ${String(e.dtype)}`);
    const shape = e.shape;
    if (!shape.every((s) => Number.isInteger(s) && s >= 0))
      fail(`entry '${name}' has a bad shape ${JSON.stringify(shape)}`);
    const [begin, end] = e.data_offsets;
    if (
      !Number.isInteger(begin) ||
      !Number.isInteger(end) ||
      begin < 0 ||
      end < begin ||
      dataStart + end > data.length
    )
      fail(
        `entry '${name}' has data offsets [${begin}, ${end}] outside the ${data.length - dataStart}-byte data section (truncated file?)`,
      );
    const count = shape.reduce((a, b) => a * b, 1);
    if (end - begin !== count * DTYPE_BYTES[e.dtype as StoredDtype])
      fail(
        `entry '${name}' holds ${end - begin} bytes, but shape ${JSON.stringify(shape)} of ${e.dtype} needs ${count * DTYPE_BYTES[e.dtype as StoredDtype]}`,
      );
    ranges.push([begin, end, name]);
    out[name] = Tensor._fromData(
      decodeElements(data, dataStart + begin, count, e.dtype as StoredDtype),
      shape,
    );
  }
  ranges.sort((a, b) => a[0] - b[0]);
  for (let i = 1; i < ranges.length; i++) {
    if (ranges[i][0] < ranges[i - 1][1])
      fail(`entries '${ranges[i - 1][2]}' and '${ranges[i][2]}' overlap`);
  }
  return out;
}

/**
 * The `__metadata__` of a safetensors file (string to string), or an empty object.
 *
 * @param bytes - The whole file.
 * @returns The metadata.
 * @throws Error when the header cannot be read.
 */
export function loadMetadata(bytes: Uint8Array | ArrayBuffer): Record<string, string> {
  const meta = parse(bytes).header.__metadata__;
  return meta && typeof meta === 'object' ? { ...(meta as Record<string, string>) } : {};
}

function parse(input: Uint8Array | ArrayBuffer): {
  header: Record<string, unknown>;
  dataStart: number;
  data: Uint8Array;
} {
  const data = input instanceof ArrayBuffer ? new Uint8Array(input) : input;
  if (!(data instanceof Uint8Array))
    fail(`expected a Uint8Array or ArrayBuffer, got ${describe(input)}`);
  if (data.length < 8) fail(`the file has ${data.length} bytes; a header needs at least 8`);
  const length = new DataView(data.buffer, data.byteOffset, 8).getBigUint64(0, true);
  if (length > BigInt(MAX_HEADER) || 8 + Number(length) > data.length)
    fail(
      `the header claims ${length} bytes but the file has ${data.length} (truncated or not a safetensors file)`,
    );
  const text = new TextDecoder('utf-8', { fatal: false }).decode(
    data.subarray(8, 8 + Number(length)),
  );
  let header: unknown;
  try {
    header = JSON.parse(text);
  } catch {
    fail('the header is not valid JSON (not a safetensors file?)');
  }
  if (header === null || typeof header !== 'object' || Array.isArray(header))
    fail('the header is not a JSON object');
  return { header: header as Record<string, unknown>, dataStart: 8 + Number(length), data };
}
