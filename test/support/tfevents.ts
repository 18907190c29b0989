// TensorBoard event files written by hand with the documented framing (TFRecord: u64 length, masked
// CRC-32C of it, the bytes, masked CRC-32C of them) around tensorflow.Event protobufs encoded field by
// field here, independently of the protobuf and CRC packages the code under test uses.

// CRC-32C (Castagnoli, reflected 0x82F63B78), bit by bit.
export function crc32c(b: Uint8Array): number {
  let c = 0xffffffff;
  for (const x of b) {
    c ^= x;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
  }
  return (c ^ 0xffffffff) >>> 0;
}
const masked = (b: Uint8Array): number => {
  const c = crc32c(b);
  return ((((c >>> 15) | (c << 17)) >>> 0) + 0xa282ead8) >>> 0;
};

function varint(n: number): number[] {
  const out: number[] = [];
  while (n > 0x7f) {
    out.push((n & 0x7f) | 0x80);
    n = Math.floor(n / 128);
  }
  out.push(n);
  return out;
}
export const key = (field: number, wire: number): number[] => varint(field * 8 + wire);
export const lenDelim = (field: number, bytes: number[]): number[] => [
  ...key(field, 2),
  ...varint(bytes.length),
  ...bytes,
];
const f32 = (v: number): number[] => [...new Uint8Array(new Float32Array([v]).buffer)];
export const f64 = (v: number): number[] => [...new Uint8Array(new Float64Array([v]).buffer)];

/**
 * Event{wall_time, step, summary{value{tag, simple_value}}}. `tensor` writes torch's new-style scalar
 * (a one-element float tensor); `wallTime: null` leaves wall_time out, as a proto3 writer does for 0.
 */
export function event(
  step: number,
  tag: string,
  value: number,
  opts: { tensor?: boolean; wallTime?: number | null } = {},
): number[] {
  const v = opts.tensor
    ? [
        ...lenDelim(1, [...Buffer.from(tag)]),
        ...lenDelim(8, [...key(1, 0), 1, ...lenDelim(5, f32(value))]),
      ]
    : [...lenDelim(1, [...Buffer.from(tag)]), ...key(2, 5), ...f32(value)];
  const wall = opts.wallTime === undefined ? 1700000000.5 : opts.wallTime;
  return [
    ...(wall === null ? [] : [...key(1, 1), ...f64(wall)]),
    ...key(2, 0),
    ...varint(step),
    ...lenDelim(5, lenDelim(1, v)),
  ];
}

export function record(data: number[]): Buffer {
  const d = Uint8Array.from(data);
  const len = Buffer.alloc(8);
  len.writeBigUInt64LE(BigInt(d.length));
  const out = Buffer.alloc(12 + d.length + 4);
  len.copy(out, 0);
  out.writeUInt32LE(masked(len), 8);
  Buffer.from(d).copy(out, 12);
  out.writeUInt32LE(masked(d), 12 + d.length);
  return out;
}
