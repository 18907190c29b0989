// TensorBoard event files (events.out.tfevents.*): TFRecord framing — u64 length, masked CRC32C of
// the length, the bytes, masked CRC32C of the bytes — around tensorflow.Event protobufs. Only scalars
// are read: Summary.Value.simple_value, or a one-element float/double tensor (torch's new-style
// scalars). Everything else in a file is skipped, never guessed at.
import { crc32c } from '@aws-crypto/crc32c';
import protobuf from 'protobufjs';

export class TfEventsError extends Error {}

export interface Scalar {
  tag: string;
  step: number;
  value: number;
  /** Unix seconds; null when the event has none (proto3 leaves an unset double at 0). */
  wallTime: number | null;
}

// Field numbers from tensorflow/core/util/event.proto, framework/summary.proto, framework/tensor.proto.
const root = protobuf.Root.fromJSON({
  nested: {
    Event: {
      fields: {
        wallTime: { type: 'double', id: 1 },
        step: { type: 'int64', id: 2 },
        fileVersion: { type: 'string', id: 3 },
        summary: { type: 'Summary', id: 5 },
      },
    },
    Summary: { fields: { value: { rule: 'repeated', type: 'SummaryValue', id: 1 } } },
    SummaryValue: {
      fields: {
        tag: { type: 'string', id: 1 },
        simpleValue: { type: 'float', id: 2 },
        tensor: { type: 'TensorProto', id: 8 },
      },
    },
    TensorProto: {
      fields: {
        dtype: { type: 'int32', id: 1 },
        tensorContent: { type: 'bytes', id: 4 },
        floatVal: { rule: 'repeated', type: 'float', id: 5 },
        doubleVal: { rule: 'repeated', type: 'double', id: 6 },
      },
    },
  },
});
const EventType = root.lookupType('Event');

interface TensorMsg {
  dtype?: number;
  tensorContent?: Uint8Array;
  floatVal?: number[];
  doubleVal?: number[];
}
interface ValueMsg {
  tag?: string;
  simpleValue?: number;
  tensor?: TensorMsg;
}
interface EventMsg {
  wallTime?: number;
  step?: number | { toNumber(): number };
  summary?: { value?: ValueMsg[] };
}

const DT_FLOAT = 1;
const DT_DOUBLE = 2;

/** TFRecord's masked CRC: rotate right by 15 and add a constant, so CRCs of CRCs stay distinct. */
export function maskedCrc32c(bytes: Uint8Array): number {
  const crc = crc32c(bytes) >>> 0;
  return ((((crc >>> 15) | (crc << 17)) >>> 0) + 0xa282ead8) >>> 0;
}

function scalarOf(v: ValueMsg): number | null {
  if (typeof v.simpleValue === 'number' && Object.prototype.hasOwnProperty.call(v, 'simpleValue'))
    return v.simpleValue;
  const t = v.tensor;
  if (!t) return null;
  if (t.floatVal && t.floatVal.length === 1) return t.floatVal[0];
  if (t.doubleVal && t.doubleVal.length === 1) return t.doubleVal[0];
  const c = t.tensorContent;
  if (c && t.dtype === DT_FLOAT && c.length === 4)
    return new DataView(c.buffer, c.byteOffset, 4).getFloat32(0, true);
  if (c && t.dtype === DT_DOUBLE && c.length === 8)
    return new DataView(c.buffer, c.byteOffset, 8).getFloat64(0, true);
  return null;
}

/** The scalars of one Event record. */
export function decodeEvent(bytes: Uint8Array): Scalar[] {
  const msg = EventType.toObject(EventType.decode(bytes), { defaults: false }) as EventMsg;
  const values = msg.summary?.value ?? [];
  const step = typeof msg.step === 'object' ? msg.step.toNumber() : (msg.step ?? 0);
  const wallTime = typeof msg.wallTime === 'number' && msg.wallTime > 0 ? msg.wallTime : null;
  const out: Scalar[] = [];
  for (const v of values) {
    const value = scalarOf(v);
    if (value !== null && v.tag) out.push({ tag: v.tag, step, value, wallTime });
  }
  return out;
}

/**
 * Complete records in `buf` from `offset`: their scalars and the offset after the last complete one
 * (a record still being written is left for the next read). A bad CRC is an error: the file is not
 * a TFRecord file, or it is corrupt.
 */
export function readRecords(
  buf: Uint8Array,
  offset: number,
  name: string,
): { scalars: Scalar[]; next: number } {
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const scalars: Scalar[] = [];
  let at = offset;
  while (at + 12 <= buf.length) {
    const lenBytes = buf.subarray(at, at + 8);
    const len = Number(view.getBigUint64(at, true));
    if (view.getUint32(at + 8, true) !== maskedCrc32c(lenBytes)) {
      throw new TfEventsError(
        `${name}: bad length checksum at byte ${at}; not a TensorBoard event file, or it is corrupt`,
      );
    }
    if (at + 12 + len + 4 > buf.length) break;
    const data = buf.subarray(at + 12, at + 12 + len);
    if (view.getUint32(at + 12 + len, true) !== maskedCrc32c(data)) {
      throw new TfEventsError(
        `${name}: bad data checksum in the record at byte ${at}; the file is corrupt`,
      );
    }
    try {
      scalars.push(...decodeEvent(data));
    } catch (e) {
      throw new TfEventsError(
        `${name}: the record at byte ${at} is not an Event protobuf (${e instanceof Error ? e.message : String(e)})`,
      );
    }
    at += 12 + len + 4;
  }
  return { scalars, next: at };
}
