// A reader for the Python pickles torchvision's CIFAR downloads hold: a dict of byte-string keys whose
// values are lists of ints, lists of strings and numpy arrays. It interprets only the opcodes that build
// such data, and of the pickle's references to Python callables accepts only the four that rebuild an
// array or a byte string — each turned into data here, never called. Anything else is an error naming
// the opcode or callable, so a file that would run code when Python loads it is refused, not run.

export class PickleError extends Error {}

/** A numpy array as pickled: dtype string ("|u1", "<i8"), shape, raw bytes in C order. */
export interface NdArray {
  kind: 'ndarray';
  dtype: string;
  shape: number[];
  fortran: boolean;
  data: Uint8Array;
}

export interface PyTuple {
  kind: 'tuple';
  items: PyValue[];
}

/** Keys are decoded as latin-1 strings (bytes keys and str keys alike). */
export type PyDict = Map<string, PyValue>;

export type PyValue =
  | null
  | boolean
  | number
  | string
  | Uint8Array
  | PyValue[]
  | PyTuple
  | PyDict
  | NdArray
  | PyRef
  | DtypeValue;

/** One of the accepted callables, or a dtype / array under construction. */
interface PyRef {
  kind: 'ref';
  name: 'reconstruct' | 'ndarray' | 'dtype' | 'encode';
}
export interface DtypeValue {
  kind: 'dtype';
  str: string;
}

const ALLOWED: Record<string, PyRef['name']> = {
  'numpy.core.multiarray _reconstruct': 'reconstruct',
  'numpy._core.multiarray _reconstruct': 'reconstruct',
  'numpy ndarray': 'ndarray',
  'numpy dtype': 'dtype',
  '_codecs encode': 'encode',
};

const MARK = Symbol('mark');
type Slot = PyValue | typeof MARK;

const isTuple = (v: Slot): v is PyTuple =>
  typeof v === 'object' &&
  v !== null &&
  !(v instanceof Uint8Array) &&
  !Array.isArray(v) &&
  !(v instanceof Map) &&
  v.kind === 'tuple';
const latin1 = (b: Uint8Array): string =>
  Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('latin1');

function keyOf(k: Slot, where: string): string {
  if (typeof k === 'string') return k;
  if (k instanceof Uint8Array) return latin1(k);
  if (typeof k === 'number') return String(k);
  throw new PickleError(`${where}: a dict key that is not a string or number`);
}

function describe(v: Slot): string {
  if (v === MARK) return 'mark';
  if (v === null) return 'None';
  if (v instanceof Uint8Array) return 'bytes';
  if (Array.isArray(v)) return 'list';
  if (v instanceof Map) return 'dict';
  if (typeof v === 'object') return v.kind;
  return typeof v;
}

/** Bytes per element of the numpy dtypes these files use. */
const ITEM_SIZE: Record<string, number> = {
  u1: 1,
  i1: 1,
  b1: 1,
  u2: 2,
  i2: 2,
  u4: 4,
  i4: 4,
  f4: 4,
  u8: 8,
  i8: 8,
  f8: 8,
};

/**
 * Parses a pickle (protocol 2, plus the byte-string opcodes of protocols 3 and 4 so files re-saved by
 * Python 3 load too). `where` names the file in errors.
 */
export function readPickle(buf: Uint8Array, where: string): PyValue {
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const stack: Slot[] = [];
  const memo = new Map<number, Slot>();
  let pos = 0;
  const need = (n: number): void => {
    if (pos + n > buf.length)
      throw new PickleError(
        `${where}: truncated pickle (needs ${n} more bytes at offset ${pos}, file has ${buf.length})`,
      );
  };
  const u8 = (): number => {
    need(1);
    return buf[pos++];
  };
  const u16 = (): number => {
    need(2);
    const v = view.getUint16(pos, true);
    pos += 2;
    return v;
  };
  const u32 = (): number => {
    need(4);
    const v = view.getUint32(pos, true);
    pos += 4;
    return v;
  };
  const bytes = (n: number): Uint8Array => {
    need(n);
    const b = buf.subarray(pos, pos + n);
    pos += n;
    return b;
  };
  const line = (): string => {
    const end = buf.indexOf(0x0a, pos);
    if (end < 0)
      throw new PickleError(`${where}: truncated pickle (unterminated name at offset ${pos})`);
    const s = latin1(buf.subarray(pos, end));
    pos = end + 1;
    return s;
  };
  const pop = (): Slot => {
    const v = stack.pop();
    if (v === undefined)
      throw new PickleError(`${where}: malformed pickle (stack underflow at offset ${pos})`);
    return v;
  };
  const popMark = (): Slot[] => {
    const i = stack.lastIndexOf(MARK);
    if (i < 0) throw new PickleError(`${where}: malformed pickle (no mark at offset ${pos})`);
    const items = stack.splice(i);
    return items.slice(1);
  };
  const top = (): Slot => {
    if (stack.length === 0)
      throw new PickleError(`${where}: malformed pickle (empty stack at offset ${pos})`);
    return stack[stack.length - 1];
  };
  const value = (v: Slot): PyValue => {
    if (v === MARK)
      throw new PickleError(`${where}: malformed pickle (a mark where a value belongs)`);
    return v;
  };
  const global = (module: string, name: string): PyRef => {
    const ok = ALLOWED[`${module} ${name}`];
    if (!ok)
      throw new PickleError(
        `${where}: the pickle refers to ${module}.${name}, which a CIFAR file never does; refusing it (only numpy arrays, lists, strings and numbers are read)`,
      );
    return { kind: 'ref', name: ok };
  };
  const reduce = (fn: Slot, args: Slot): Slot => {
    if (
      typeof fn !== 'object' ||
      fn === null ||
      Array.isArray(fn) ||
      fn instanceof Uint8Array ||
      fn instanceof Map ||
      fn.kind !== 'ref' ||
      !isTuple(args)
    ) {
      throw new PickleError(
        `${where}: unsupported call in pickle (${describe(fn)} applied to ${describe(args)})`,
      );
    }
    const a = args.items;
    if (fn.name === 'encode') {
      // Python 3 writes bytes at protocol 2 as _codecs.encode(str, 'latin1').
      if (typeof a[0] !== 'string' || (a[1] !== 'latin1' && a[1] !== 'latin-1'))
        throw new PickleError(`${where}: _codecs.encode with arguments other than (str, 'latin1')`);
      return Uint8Array.from(a[0], (c) => c.charCodeAt(0));
    }
    if (fn.name === 'dtype') {
      if (typeof a[0] !== 'string')
        throw new PickleError(`${where}: numpy.dtype without a type string`);
      return { kind: 'dtype', str: a[0] };
    }
    if (fn.name === 'reconstruct')
      return { kind: 'ndarray', dtype: '', shape: [], fortran: false, data: new Uint8Array(0) };
    throw new PickleError(`${where}: numpy.ndarray called directly; not a pickled array`);
  };
  const build = (obj: Slot, state: Slot): void => {
    if (
      typeof obj !== 'object' ||
      obj === null ||
      obj instanceof Uint8Array ||
      Array.isArray(obj) ||
      obj instanceof Map ||
      !isTuple(state)
    ) {
      throw new PickleError(`${where}: unsupported object state in pickle (${describe(obj)})`);
    }
    if (obj.kind === 'dtype') {
      // (version, byte order, subarray, names, fields, elsize, alignment, flags)
      const order = state.items[1];
      if (typeof order === 'string' && obj.str.length <= 2)
        obj.str = (order === '=' ? '<' : order) + obj.str;
      return;
    }
    if (obj.kind !== 'ndarray')
      throw new PickleError(`${where}: unsupported object state for ${obj.kind}`);
    // (version, shape, dtype, is_fortran, raw data)
    const [, shape, dtype, fortran, raw] = state.items as Slot[];
    if (!isTuple(shape) || !shape.items.every((d) => typeof d === 'number'))
      throw new PickleError(`${where}: array without a shape`);
    if (
      typeof dtype !== 'object' ||
      dtype === null ||
      dtype instanceof Uint8Array ||
      Array.isArray(dtype) ||
      dtype instanceof Map ||
      dtype.kind !== 'dtype'
    )
      throw new PickleError(`${where}: array without a dtype`);
    const rawBytes = typeof raw === 'string' ? Uint8Array.from(raw, (c) => c.charCodeAt(0)) : raw;
    if (!(rawBytes instanceof Uint8Array))
      throw new PickleError(
        `${where}: an array of Python objects (dtype ${dtype.str}); only numeric arrays are read`,
      );
    const dims = shape.items as number[];
    const size = ITEM_SIZE[dtype.str.replace(/^[<>|=]/, '')];
    if (!size)
      throw new PickleError(`${where}: array dtype ${dtype.str} is not one this reader knows`);
    const expected = dims.reduce((p, d) => p * d, 1) * size;
    if (rawBytes.length !== expected)
      throw new PickleError(
        `${where}: array of shape (${dims.join(', ')}) holds ${rawBytes.length} bytes, not ${expected}; the file is corrupt`,
      );
    obj.dtype = dtype.str;
    obj.shape = dims;
    obj.fortran = fortran === true || fortran === 1;
    obj.data = rawBytes;
  };

  for (;;) {
    const at = pos;
    const op = u8();
    switch (op) {
      case 0x80: {
        // PROTO
        const v = u8();
        if (v > 4)
          throw new PickleError(
            `${where}: pickle protocol ${v}; this reader takes protocols 2 to 4 (torchvision's CIFAR files are protocol 2)`,
          );
        break;
      }
      case 0x95:
        bytes(8);
        break; // FRAME: a length hint only
      case 0x2e:
        return value(pop()); // STOP
      case 0x28:
        stack.push(MARK);
        break; // MARK
      case 0x7d:
        stack.push(new Map());
        break; // EMPTY_DICT
      case 0x5d:
        stack.push([]);
        break; // EMPTY_LIST
      case 0x29:
        stack.push({ kind: 'tuple', items: [] });
        break; // EMPTY_TUPLE
      case 0x74:
        stack.push({ kind: 'tuple', items: popMark().map(value) });
        break; // TUPLE
      case 0x85:
        stack.push({ kind: 'tuple', items: [value(pop())] });
        break; // TUPLE1
      case 0x86: {
        const b = value(pop());
        stack.push({ kind: 'tuple', items: [value(pop()), b] });
        break;
      } // TUPLE2
      case 0x87: {
        const c = value(pop());
        const b = value(pop());
        stack.push({ kind: 'tuple', items: [value(pop()), b, c] });
        break;
      } // TUPLE3
      case 0x6c:
        stack.push(popMark().map(value));
        break; // LIST
      case 0x64: {
        // DICT
        const items = popMark();
        const d: PyDict = new Map();
        for (let i = 0; i + 1 < items.length; i += 2)
          d.set(keyOf(items[i], where), value(items[i + 1]));
        stack.push(d);
        break;
      }
      case 0x4e:
        stack.push(null);
        break; // NONE
      case 0x88:
        stack.push(true);
        break; // NEWTRUE
      case 0x89:
        stack.push(false);
        break; // NEWFALSE
      case 0x4b:
        stack.push(u8());
        break; // BININT1
      case 0x4d:
        stack.push(u16());
        break; // BININT2
      case 0x4a: {
        need(4);
        stack.push(view.getInt32(pos, true));
        pos += 4;
        break;
      } // BININT
      case 0x8a: {
        // LONG1: small Python longs only
        const n = u8();
        const b = bytes(n);
        let v = 0;
        for (let i = n - 1; i >= 0; i--) v = v * 256 + b[i];
        if (n > 0 && b[n - 1] & 0x80) v -= 2 ** (8 * n);
        if (n > 6) throw new PickleError(`${where}: integer too large for this reader`);
        stack.push(v);
        break;
      }
      case 0x47: {
        need(8);
        stack.push(view.getFloat64(pos, false));
        pos += 8;
        break;
      } // BINFLOAT
      case 0x55:
        stack.push(bytes(u8()));
        break; // SHORT_BINSTRING (Python 2 str)
      case 0x54:
        stack.push(bytes(u32()));
        break; // BINSTRING
      case 0x43:
        stack.push(bytes(u8()));
        break; // SHORT_BINBYTES
      case 0x42:
        stack.push(bytes(u32()));
        break; // BINBYTES
      case 0x58:
        stack.push(Buffer.from(bytes(u32())).toString('utf8'));
        break; // BINUNICODE
      case 0x8c:
        stack.push(Buffer.from(bytes(u8())).toString('utf8'));
        break; // SHORT_BINUNICODE
      case 0x71:
        memo.set(u8(), top());
        break; // BINPUT
      case 0x72:
        memo.set(u32(), top());
        break; // LONG_BINPUT
      case 0x94:
        memo.set(memo.size, top());
        break; // MEMOIZE
      case 0x68:
      case 0x6a: {
        // BINGET, LONG_BINGET
        const k = op === 0x68 ? u8() : u32();
        if (!memo.has(k))
          throw new PickleError(`${where}: malformed pickle (memo ${k} unset at offset ${at})`);
        stack.push(memo.get(k) as Slot);
        break;
      }
      case 0x61: {
        const v = value(pop());
        const l = top();
        if (!Array.isArray(l)) throw new PickleError(`${where}: append to a ${describe(l)}`);
        l.push(v);
        break;
      } // APPEND
      case 0x65: {
        const items = popMark().map(value);
        const l = top();
        if (!Array.isArray(l)) throw new PickleError(`${where}: append to a ${describe(l)}`);
        l.push(...items);
        break;
      } // APPENDS
      case 0x73: {
        const v = value(pop());
        const k = pop();
        const d = top();
        if (!(d instanceof Map)) throw new PickleError(`${where}: setitem on a ${describe(d)}`);
        d.set(keyOf(k, where), v);
        break;
      } // SETITEM
      case 0x75: {
        // SETITEMS
        const items = popMark();
        const d = top();
        if (!(d instanceof Map)) throw new PickleError(`${where}: setitems on a ${describe(d)}`);
        for (let i = 0; i + 1 < items.length; i += 2)
          d.set(keyOf(items[i], where), value(items[i + 1]));
        break;
      }
      case 0x63: {
        const module = line();
        const name = line();
        stack.push(global(module, name));
        break;
      } // GLOBAL
      case 0x93: {
        // STACK_GLOBAL
        const name = pop();
        const module = pop();
        if (typeof module !== 'string' || typeof name !== 'string')
          throw new PickleError(`${where}: malformed pickle (STACK_GLOBAL without names)`);
        stack.push(global(module, name));
        break;
      }
      case 0x52: {
        const args = pop();
        const fn = pop();
        stack.push(reduce(fn, args));
        break;
      } // REDUCE
      case 0x62: {
        const state = pop();
        build(top(), state);
        break;
      } // BUILD
      default:
        throw new PickleError(
          `${where}: pickle opcode 0x${op.toString(16).padStart(2, '0')} at offset ${at} is not one CIFAR files use; this reader reads only data (dicts, lists, strings, numbers, numpy arrays)`,
        );
    }
  }
}

/** dict[key] as the files spell it, or an error naming the file and the missing key. */
export function dictGet(d: PyValue, key: string, where: string): PyValue {
  if (!(d instanceof Map))
    throw new PickleError(
      `${where}: the pickle holds a ${describe(d)}, not the dict a CIFAR batch is`,
    );
  if (!d.has(key))
    throw new PickleError(
      `${where}: no '${key}' in the pickle (keys: ${[...d.keys()].join(', ')}); not a CIFAR batch of this kind`,
    );
  return d.get(key) as PyValue;
}
