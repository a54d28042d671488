/** A small pickle (protocol 2) writer for what `torch.load(weights_only=True)` reads. */

/** A value the writer emits as a Python GLOBAL (`module\nname\n`). */
export class PyGlobal {
  constructor(
    readonly module: string,
    readonly name: string,
  ) {}
}

/** A Python tuple (arrays are written as lists). */
export class PyTuple {
  constructor(readonly items: readonly PyValue[]) {}
}

/** `fn(*args)`: a REDUCE of a global over a tuple of arguments. */
export class PyCall {
  constructor(
    readonly fn: PyGlobal,
    readonly args: readonly PyValue[],
  ) {}
}

/** A persistent id (`BINPERSID`): how torch refers to storages kept beside the pickle. */
export class PyPersistent {
  constructor(readonly id: PyValue) {}
}

/** Python's int, as opposed to a float: integers that must stay integers in Python. */
export class PyInt {
  constructor(readonly value: number | bigint) {}
}

/** The values the writer knows how to emit. */
export type PyValue =
  | null
  | boolean
  | number
  | bigint
  | string
  | PyInt
  | PyGlobal
  | PyTuple
  | PyCall
  | PyPersistent
  | PyValue[]
  | Map<PyValue, PyValue>;

/** Writes `value` as a protocol-2 pickle program. */
export function pickle(value: PyValue): Uint8Array {
  const out: number[] = [0x80, 0x02];
  const encoder = new TextEncoder();
  const u32 = (v: number): void => {
    out.push(v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff);
  };
  const int = (v: number | bigint): void => {
    if (typeof v === 'number' && v >= 0 && v < 256) out.push(0x4b, v);
    else if (typeof v === 'number' && v >= 0 && v < 65536) out.push(0x4d, v & 0xff, v >> 8);
    else if (typeof v === 'number' && v >= -2147483648 && v <= 2147483647) {
      out.push(0x4a);
      u32(v);
    } else {
      // LONG1: little-endian two's complement, as short as possible.
      let b = BigInt(v);
      const bytes: number[] = [];
      for (;;) {
        bytes.push(Number(b & 0xffn));
        const rest = b >> 8n;
        const sign = bytes[bytes.length - 1] & 0x80;
        if ((rest === 0n && !sign) || (rest === -1n && sign)) break;
        b = rest;
      }
      out.push(0x8a, bytes.length, ...bytes);
    }
  };
  const write = (v: PyValue): void => {
    if (v === null) out.push(0x4e);
    else if (v === true) out.push(0x88);
    else if (v === false) out.push(0x89);
    else if (typeof v === 'bigint') int(v);
    else if (v instanceof PyInt) int(v.value);
    else if (typeof v === 'number') {
      out.push(0x47);
      const b = new DataView(new ArrayBuffer(8));
      b.setFloat64(0, v, false);
      for (let i = 0; i < 8; i++) out.push(b.getUint8(i));
    } else if (typeof v === 'string') {
      const bytes = encoder.encode(v);
      out.push(0x58);
      u32(bytes.length);
      for (const x of bytes) out.push(x);
    } else if (v instanceof PyGlobal) {
      for (const x of encoder.encode(`c${v.module}\n${v.name}\n`)) out.push(x);
    } else if (v instanceof PyTuple) {
      if (v.items.length === 0) out.push(0x29);
      else if (v.items.length <= 3) {
        for (const x of v.items) write(x);
        out.push(0x84 + v.items.length);
      } else {
        out.push(0x28);
        for (const x of v.items) write(x);
        out.push(0x74);
      }
    } else if (v instanceof PyCall) {
      write(v.fn);
      write(new PyTuple(v.args));
      out.push(0x52);
    } else if (v instanceof PyPersistent) {
      write(v.id);
      out.push(0x51);
    } else if (Array.isArray(v)) {
      out.push(0x5d);
      if (v.length > 0) {
        out.push(0x28);
        for (const x of v) write(x);
        out.push(0x65);
      }
    } else if (v instanceof Map) {
      out.push(0x7d);
      if (v.size > 0) {
        out.push(0x28);
        for (const [k, x] of v) {
          write(k);
          write(x);
        }
        out.push(0x75);
      }
    }
  };
  write(value);
  out.push(0x2e);
  return Uint8Array.from(out);
}
