/**
 * PyTorch's checkpoint format (`torch.save` since 1.6): a ZIP archive holding `data.pkl` (a pickle
 * of the object, tensors referring to storages by key) and one `data/<key>` file per storage.
 */
import { Tensor, describe } from '../tensor/tensor.js';
import { Storage } from '../tensor/storage.js';
import { formatShape } from '../tensor/shape.js';
import { decodeElements, float32Bytes, DTYPE_BYTES, type StoredDtype } from './dtypes.js';
import { readZip, writeZip, type ZipEntry } from './zip.js';
import { PickleTuple, unpickle, type PickleGlobal } from './unpickle.js';
import { PyCall, PyGlobal, PyInt, PyPersistent, PyTuple, pickle, type PyValue } from './pickle.js';

/** What {@link load} returns: tensors, numbers, strings, booleans, null, arrays and plain objects. */
export type LoadedValue =
  | Tensor
  | number
  | bigint
  | string
  | boolean
  | null
  | Uint8Array
  | LoadedValue[]
  | { [key: string]: LoadedValue };

/** What {@link save} accepts: tensors, numbers, strings, booleans, null, arrays, plain objects and Maps. */
export type SaveableValue =
  | Tensor
  | number
  | bigint
  | string
  | boolean
  | null
  | readonly SaveableValue[]
  | ReadonlyMap<string | number, SaveableValue>
  | { readonly [key: string]: SaveableValue };

const STORAGE_DTYPES: Readonly<Record<string, StoredDtype>> = {
  FloatStorage: 'F32',
  DoubleStorage: 'F64',
  HalfStorage: 'F16',
  BFloat16Storage: 'BF16',
  LongStorage: 'I64',
  IntStorage: 'I32',
  ShortStorage: 'I16',
  CharStorage: 'I8',
  ByteStorage: 'U8',
  BoolStorage: 'BOOL',
};

const ALLOWED = new Set([
  'collections.OrderedDict',
  'torch._utils._rebuild_tensor_v2',
  'torch._utils._rebuild_parameter',
  'torch.Size',
  'torch.device',
  '_codecs.encode',
  ...Object.keys(STORAGE_DTYPES).map((s) => `torch.${s}`),
]);

/** An opaque marker for a resolved storage type or helper global. */
interface Resolved {
  fn: PickleGlobal;
}

function isTuple(v: unknown): v is unknown[] {
  return Array.isArray(v);
}

function intArray(v: unknown, what: string): number[] {
  if (!isTuple(v) || !v.every((x) => typeof x === 'number' && Number.isInteger(x)))
    throw new Error(`load: ${what} must be a tuple of integers (malformed file)`);
  return v as number[];
}

/**
 * Reads a file written by PyTorch's `torch.save` (the ZIP format, PyTorch 1.6 and later): tensors
 * (any dtype, converted to float32; non-contiguous and storage-sharing tensors keep their layout
 * and sharing), dicts and OrderedDicts (as plain objects, in order), lists and tuples (as arrays),
 * numbers, strings, booleans and None. It never runs code from the file: anything else (a pickled
 * class, function or module) is refused with an error naming it.
 *
 * @param bytes - The whole file.
 * @returns The saved object.
 * @throws Error naming the problem for a truncated or malformed file, a legacy (pre-1.6) file, or a
 *   disallowed object.
 * @example
 * ```ts
 * const state = torch.load(fs.readFileSync('model.pt')) as Record<string, Tensor>;
 * model.loadStateDict(state);
 * ```
 */
export function load(bytes: Uint8Array | ArrayBuffer): LoadedValue {
  const data = bytes instanceof ArrayBuffer ? new Uint8Array(bytes) : bytes;
  if (!(data instanceof Uint8Array))
    throw new TypeError(`load: expected a Uint8Array or ArrayBuffer, got ${describe(bytes)}`);
  if (data.length >= 2 && data[0] === 0x80)
    throw new Error(
      "load: this is PyTorch's legacy (pre-1.6) format; load it in PyTorch and save it again with torch.save",
    );
  if (data.length < 4 || data[0] !== 0x50 || data[1] !== 0x4b)
    throw new Error(
      'load: not a PyTorch checkpoint (a torch.save file is a ZIP archive starting with "PK")',
    );
  const entries = readZip(data, 'load');
  const pkl = entries.find(
    (e) => e.name.endsWith('data.pkl') && !e.name.slice(0, -8).replace(/\/$/, '').includes('/'),
  );
  if (pkl === undefined)
    throw new Error('load: the archive has no data.pkl (not a torch.save file)');
  const prefix = pkl.name.slice(0, -'data.pkl'.length);
  const files = new Map(entries.map((e) => [e.name, e.data]));
  const storages = new Map<string, Storage>();

  const persistentLoad = (pid: unknown): unknown => {
    if (!isTuple(pid) || pid[0] !== 'storage' || pid.length < 5)
      throw new Error(`load: unsupported persistent id ${JSON.stringify(pid)} (malformed file)`);
    const [, type, key, , numel] = pid as [
      string,
      Resolved | PickleGlobal,
      unknown,
      unknown,
      unknown,
    ];
    const g = 'fn' in (type as Resolved) ? (type as Resolved).fn : (type as PickleGlobal);
    const dtype = STORAGE_DTYPES[g.name];
    if (dtype === undefined)
      throw new Error(`load: unsupported storage type ${g.module}.${g.name}`);
    if (typeof key !== 'string' || typeof numel !== 'number')
      throw new Error('load: a storage reference has a bad key or size (malformed file)');
    let storage = storages.get(key);
    if (storage === undefined) {
      const raw = files.get(`${prefix}data/${key}`);
      if (raw === undefined)
        throw new Error(`load: storage '${key}' is missing from the archive (truncated file?)`);
      if (raw.length < numel * DTYPE_BYTES[dtype])
        throw new Error(
          `load: storage '${key}' has ${raw.length} bytes, ${numel} elements of ${dtype} need ${numel * DTYPE_BYTES[dtype]} (truncated file?)`,
        );
      storage = new Storage(decodeElements(raw, 0, numel, dtype));
      storages.set(key, storage);
    }
    return storage;
  };

  const call = (fn: PickleGlobal, args: unknown[]): unknown => {
    const name = `${fn.module}.${fn.name}`;
    switch (name) {
      case 'collections.OrderedDict': {
        const m = new Map<unknown, unknown>();
        if (isTuple(args[0]))
          for (const pair of args[0] as unknown[]) if (isTuple(pair)) m.set(pair[0], pair[1]);
        return m;
      }
      case 'torch._utils._rebuild_tensor_v2': {
        const [storage, offset, size, stride, requiresGrad] = args;
        if (!(storage instanceof Storage) || typeof offset !== 'number')
          throw new Error('load: a tensor refers to no storage (malformed file)');
        const shape = intArray(size, 'a tensor size');
        const strides = intArray(stride, 'a tensor stride');
        if (strides.length !== shape.length)
          throw new Error('load: a tensor has as many strides as dims (malformed file)');
        let last = offset;
        for (let i = 0; i < shape.length; i++)
          if (shape[i] > 0) last += (shape[i] - 1) * strides[i];
        if (shape.every((s) => s > 0) && last >= storage.data.length)
          throw new Error(
            `load: a tensor of shape ${formatShape(shape)} reads past its storage of ${storage.data.length} elements (malformed file)`,
          );
        const t = new Tensor(storage, shape, strides, offset);
        if (requiresGrad === true) t.requiresGrad_(true);
        return t;
      }
      case 'torch._utils._rebuild_parameter': {
        const [t, requiresGrad] = args;
        if (!(t instanceof Tensor))
          throw new Error('load: a parameter holds no tensor (malformed file)');
        t.requiresGrad_(requiresGrad === true);
        return t;
      }
      case 'torch.Size':
        return isTuple(args[0]) ? [...(args[0] as unknown[])] : [];
      case 'torch.device':
        return args.map(String).join(':');
      case '_codecs.encode':
        return Uint8Array.from(String(args[0]), (c) => c.charCodeAt(0) & 0xff);
      default:
        // Storage types are only used as markers inside persistent ids.
        return { fn };
    }
  };

  // BUILD sets attributes (a state dict's `_metadata`), never items: keep the object as it is.
  const build = (obj: unknown): unknown => obj;

  const value = unpickle(files.get(pkl.name) as Uint8Array, {
    allowed: ALLOWED,
    persistentLoad,
    call,
    build,
    op: 'load',
  });
  return toPlain(value);
}

function toPlain(v: unknown): LoadedValue {
  if (v instanceof Map) {
    const out: { [key: string]: LoadedValue } = {};
    for (const [k, x] of v) {
      Object.defineProperty(out, String(k), {
        value: toPlain(x),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return out;
  }
  if (v instanceof PickleTuple || Array.isArray(v)) return Array.from(v as unknown[], toPlain);
  if (v === undefined) return null;
  if (v !== null && typeof v === 'object' && 'fn' in v) {
    const g = (v as Resolved).fn;
    throw new Error(`load: '${g.module}.${g.name}' cannot be returned as a value`);
  }
  return v as LoadedValue;
}

/**
 * Writes `obj` in PyTorch's checkpoint format, readable by `torch.load(path, weights_only=True)`:
 * tensors as float32 (storages shared between views are written once, and views keep their
 * offsets and strides), plain objects and Maps as dicts, arrays as lists, integers as Python ints,
 * other numbers as floats, strings, booleans and null as None.
 *
 * @param obj - The object to write, e.g. `model.stateDict()` or `{ model: …, optimizer: … }`.
 * @returns The file's bytes.
 * @throws TypeError naming the path of a value that cannot be saved (functions, class instances
 *   other than Tensor and Map, undefined, symbols).
 * @example
 * ```ts
 * fs.writeFileSync('model.pt', torch.save(model.stateDict()));
 * // Python: model.load_state_dict(torch.load('model.pt', weights_only=True))
 * ```
 */
export function save(obj: SaveableValue): Uint8Array {
  const keys = new Map<Storage, string>();
  const storageFiles: ZipEntry[] = [];
  const tensorValue = (t: Tensor): PyValue => {
    const storage = t._storage;
    let key = keys.get(storage);
    if (key === undefined) {
      key = String(keys.size);
      keys.set(storage, key);
      storageFiles.push({ name: `archive/data/${key}`, data: float32Bytes(storage.data) });
    }
    const pid = new PyTuple([
      'storage',
      new PyGlobal('torch', 'FloatStorage'),
      key,
      'cpu',
      new PyInt(storage.data.length),
    ]);
    return new PyCall(new PyGlobal('torch._utils', '_rebuild_tensor_v2'), [
      new PyPersistent(pid),
      new PyInt(t.offset),
      new PyTuple(t.shape.map((s) => new PyInt(s))),
      new PyTuple(t.strides.map((s) => new PyInt(s))),
      t.requiresGrad && t.isLeaf,
      new PyCall(new PyGlobal('collections', 'OrderedDict'), []),
    ]);
  };
  const convert = (v: unknown, path: string, seen: Set<object>): PyValue => {
    if (v === null) return null;
    if (typeof v === 'boolean' || typeof v === 'string') return v;
    if (typeof v === 'bigint') return new PyInt(v);
    if (typeof v === 'number') return Number.isInteger(v) ? new PyInt(v) : v;
    if (v instanceof Tensor) return tensorValue(v);
    if (typeof v !== 'object') throw new TypeError(`save: cannot save ${describe(v)} at ${path}`);
    if (seen.has(v))
      throw new TypeError(`save: ${path} refers back to an enclosing object (cycle)`);
    seen.add(v);
    let out: PyValue;
    if (Array.isArray(v)) out = v.map((x, i) => convert(x, `${path}[${i}]`, seen));
    else if (v instanceof Map) {
      out = new Map();
      for (const [k, x] of v) {
        if (typeof k !== 'string' && typeof k !== 'number')
          throw new TypeError(`save: dict keys must be strings or numbers at ${path}`);
        out.set(
          typeof k === 'number' && Number.isInteger(k) ? new PyInt(k) : k,
          convert(x, `${path}.${k}`, seen),
        );
      }
    } else if (Object.getPrototypeOf(v) === Object.prototype || Object.getPrototypeOf(v) === null) {
      out = new Map();
      for (const [k, x] of Object.entries(v)) out.set(k, convert(x, `${path}.${k}`, seen));
    } else
      throw new TypeError(
        `save: cannot save ${describe(v)} at ${path} (tensors, numbers, strings, arrays and plain objects only)`,
      );
    seen.delete(v);
    return out;
  };
  const root = convert(obj, 'the root', new Set());
  const encoder = new TextEncoder();
  return writeZip([
    { name: 'archive/data.pkl', data: pickle(root) },
    { name: 'archive/byteorder', data: encoder.encode('little') },
    ...storageFiles,
    { name: 'archive/version', data: encoder.encode('3\n') },
  ]);
}
