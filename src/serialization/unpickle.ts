/**
 * A restricted unpickler: it reads the pickle opcodes that `torch.save` writes and builds plain
 * values. It never imports or runs anything: a GLOBAL is resolved only from an explicit table of
 * known-safe names (tensor rebuilding, OrderedDict, storage types), and any other refuses the file.
 */

/** A marker standing for a resolved global name (a callable from the allow-list). */
export interface PickleGlobal {
  readonly kind: 'global';
  readonly module: string;
  readonly name: string;
}

/** A Python tuple, kept apart from lists so that callers can tell them apart. */
export class PickleTuple extends Array<unknown> {}

/** What the unpickler needs from its caller. */
export interface UnpickleHooks {
  /** Names that may appear as GLOBAL, as `module.name`. */
  allowed: ReadonlySet<string>;
  /** Resolves a persistent id (torch's storages). */
  persistentLoad(pid: unknown): unknown;
  /** Applies an allowed global to its arguments (REDUCE / NEWOBJ). */
  call(fn: PickleGlobal, args: unknown[]): unknown;
  /** Applies BUILD state to an object made by `call`; returns the object. */
  build(obj: unknown, state: unknown): unknown;
  /** The public function reading, for messages. */
  op: string;
}

const MARK = Symbol('mark');

/**
 * Runs the pickle program in `bytes` and returns its result.
 *
 * @throws Error naming the opcode or global when the data is malformed, truncated, or asks for
 *   anything outside the allow-list.
 */
export function unpickle(bytes: Uint8Array, hooks: UnpickleHooks): unknown {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const decoder = new TextDecoder();
  const latin1 = new TextDecoder('latin1');
  const stack: unknown[] = [];
  const memo = new Map<number, unknown>();
  let p = 0;
  const fail = (message: string): never => {
    throw new Error(`${hooks.op}: ${message}`);
  };
  const need = (k: number): void => {
    if (p + k > bytes.length) fail('the pickle data ends early (truncated file?)');
  };
  const u8 = (): number => (need(1), bytes[p++]);
  const u16 = (): number => (need(2), (p += 2), view.getUint16(p - 2, true));
  const i32 = (): number => (need(4), (p += 4), view.getInt32(p - 4, true));
  const u32 = (): number => (need(4), (p += 4), view.getUint32(p - 4, true));
  const take = (k: number): Uint8Array => (need(k), (p += k), bytes.subarray(p - k, p));
  const line = (): string => {
    const end = bytes.indexOf(0x0a, p);
    if (end < 0) fail('the pickle data ends early (truncated file?)');
    const s = latin1.decode(bytes.subarray(p, end));
    p = end + 1;
    return s;
  };
  const pop = (): unknown => {
    if (stack.length === 0) fail('pickle stack underflow (malformed file)');
    return stack.pop();
  };
  const popMark = (): unknown[] => {
    const i = stack.lastIndexOf(MARK);
    if (i < 0) fail('pickle MARK not found (malformed file)');
    const items = stack.splice(i);
    items.shift();
    return items;
  };
  const top = (): unknown => {
    if (stack.length === 0) fail('pickle stack underflow (malformed file)');
    return stack[stack.length - 1];
  };
  const longFrom = (b: Uint8Array): number | bigint => {
    if (b.length === 0) return 0;
    let v = 0n;
    for (let i = b.length - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[i]);
    if (b[b.length - 1] & 0x80) v -= 1n << BigInt(8 * b.length);
    return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER)
      ? Number(v)
      : v;
  };
  const global = (module: string, name: string): PickleGlobal => {
    const full = `${module}.${name}`;
    if (!hooks.allowed.has(full))
      fail(
        `refusing to load '${full}': only tensors, numbers, strings, lists, tuples and dicts are read (no code runs from a file)`,
      );
    return { kind: 'global', module, name };
  };
  const setItems = (dict: unknown, items: unknown[]): void => {
    if (!(dict instanceof Map)) fail('SETITEM on something that is not a dict (malformed file)');
    for (let i = 0; i + 1 < items.length; i += 2)
      (dict as Map<unknown, unknown>).set(items[i], items[i + 1]);
  };
  const callGlobal = (fn: unknown, args: unknown): unknown => {
    if (
      fn === null ||
      typeof fn !== 'object' ||
      (fn as PickleGlobal).kind !== 'global' ||
      !Array.isArray(args)
    )
      fail('REDUCE of something that is not an allowed global (malformed file)');
    return hooks.call(fn as PickleGlobal, [...(args as unknown[])]);
  };

  for (;;) {
    const op = u8();
    switch (op) {
      case 0x80: // PROTO
        u8();
        break;
      case 0x95: // FRAME
        take(8);
        break;
      case 0x2e: // STOP
        return pop();
      case 0x28: // MARK
        stack.push(MARK);
        break;
      case 0x7d: // EMPTY_DICT
        stack.push(new Map());
        break;
      case 0x5d: // EMPTY_LIST
        stack.push([]);
        break;
      case 0x29: // EMPTY_TUPLE
        stack.push(new PickleTuple());
        break;
      case 0x74: // TUPLE
        stack.push(PickleTuple.from(popMark()));
        break;
      case 0x85: // TUPLE1
        stack.push(PickleTuple.of(pop()));
        break;
      case 0x86: {
        const b = pop();
        const a = pop();
        stack.push(PickleTuple.of(a, b));
        break;
      }
      case 0x87: {
        const c = pop();
        const b = pop();
        const a = pop();
        stack.push(PickleTuple.of(a, b, c));
        break;
      }
      case 0x6c: // LIST
        stack.push(popMark());
        break;
      case 0x64: {
        // DICT
        const d = new Map();
        setItems(d, popMark());
        stack.push(d);
        break;
      }
      case 0x61: {
        // APPEND
        const v = pop();
        const list = top();
        if (!Array.isArray(list)) fail('APPEND to something that is not a list (malformed file)');
        (list as unknown[]).push(v);
        break;
      }
      case 0x65: {
        // APPENDS
        const items = popMark();
        const list = top();
        if (!Array.isArray(list)) fail('APPENDS to something that is not a list (malformed file)');
        (list as unknown[]).push(...items);
        break;
      }
      case 0x73: {
        // SETITEM
        const v = pop();
        const k = pop();
        setItems(top(), [k, v]);
        break;
      }
      case 0x75: // SETITEMS
        {
          const items = popMark();
          setItems(top(), items);
        }
        break;
      case 0x4a: // BININT
        stack.push(i32());
        break;
      case 0x4b: // BININT1
        stack.push(u8());
        break;
      case 0x4d: // BININT2
        stack.push(u16());
        break;
      case 0x8a: // LONG1
        stack.push(longFrom(take(u8())));
        break;
      case 0x8b: // LONG4
        stack.push(longFrom(take(u32())));
        break;
      case 0x49: {
        // INT (text): also True/False in protocol 0
        const s = line();
        stack.push(s === '01' ? true : s === '00' ? false : Number(s));
        break;
      }
      case 0x4c: // LONG (text)
        stack.push(Number(line().replace(/L$/, '')));
        break;
      case 0x47: // BINFLOAT (big-endian)
        need(8);
        p += 8;
        stack.push(view.getFloat64(p - 8, false));
        break;
      case 0x46: // FLOAT (text)
        stack.push(Number(line()));
        break;
      case 0x4e: // NONE
        stack.push(null);
        break;
      case 0x88:
        stack.push(true);
        break;
      case 0x89:
        stack.push(false);
        break;
      case 0x58: // BINUNICODE
        stack.push(decoder.decode(take(u32())));
        break;
      case 0x8c: // SHORT_BINUNICODE
        stack.push(decoder.decode(take(u8())));
        break;
      case 0x8d: // BINUNICODE8
        need(8);
        p += 8;
        stack.push(decoder.decode(take(Number(view.getBigUint64(p - 8, true)))));
        break;
      case 0x56: // UNICODE (raw-unicode-escape text)
        stack.push(
          line().replace(/\\u([0-9a-fA-F]{4})/g, (_, h: string) =>
            String.fromCharCode(parseInt(h, 16)),
          ),
        );
        break;
      case 0x55: // SHORT_BINSTRING
        stack.push(latin1.decode(take(u8())));
        break;
      case 0x54: // BINSTRING
        stack.push(latin1.decode(take(i32())));
        break;
      case 0x43: // SHORT_BINBYTES
        stack.push(take(u8()).slice());
        break;
      case 0x42: // BINBYTES
        stack.push(take(u32()).slice());
        break;
      case 0x71: // BINPUT
        memo.set(u8(), top());
        break;
      case 0x72: // LONG_BINPUT
        memo.set(u32(), top());
        break;
      case 0x70: // PUT
        memo.set(Number(line()), top());
        break;
      case 0x94: // MEMOIZE
        memo.set(memo.size, top());
        break;
      case 0x68:
      case 0x6a:
      case 0x67: {
        // BINGET, LONG_BINGET, GET
        const k = op === 0x68 ? u8() : op === 0x6a ? u32() : Number(line());
        if (!memo.has(k)) fail(`memo key ${k} is missing (malformed file)`);
        stack.push(memo.get(k));
        break;
      }
      case 0x63: {
        // GLOBAL
        const module = line();
        const name = line();
        stack.push(global(module, name));
        break;
      }
      case 0x93: {
        // STACK_GLOBAL
        const name = pop();
        const module = pop();
        if (typeof module !== 'string' || typeof name !== 'string')
          fail('STACK_GLOBAL needs two strings (malformed file)');
        stack.push(global(module as string, name as string));
        break;
      }
      case 0x52: {
        // REDUCE
        const args = pop();
        const fn = pop();
        stack.push(callGlobal(fn, args));
        break;
      }
      case 0x81: {
        // NEWOBJ
        const args = pop();
        const cls = pop();
        stack.push(callGlobal(cls, args));
        break;
      }
      case 0x62: {
        // BUILD
        const state = pop();
        const obj = pop();
        stack.push(hooks.build(obj, state));
        break;
      }
      case 0x51: // BINPERSID
        stack.push(hooks.persistentLoad(pop()));
        break;
      case 0x50: // PERSID
        stack.push(hooks.persistentLoad(line()));
        break;
      case 0x30: // POP
        if (top() === MARK) stack.pop();
        else pop();
        break;
      case 0x31: // POP_MARK
        popMark();
        break;
      case 0x32: // DUP
        stack.push(top());
        break;
      case 0x8f: // EMPTY_SET
        stack.push([]);
        break;
      case 0x90: {
        // ADDITEMS
        const items = popMark();
        const set = top();
        if (!Array.isArray(set)) fail('ADDITEMS to something that is not a set (malformed file)');
        (set as unknown[]).push(...items);
        break;
      }
      case 0x91: // FROZENSET
        stack.push(popMark());
        break;
      default:
        fail(`unsupported pickle opcode 0x${op.toString(16).padStart(2, '0')} at byte ${p - 1}`);
    }
  }
}
