/**
 * Just enough of the AMQP 1.0 type system (§1.6) to read a transfer performative's `handle` and
 * `more` fields without decoding the frame: the frame guard needs them to bound multi-frame
 * deliveries that rhea would otherwise reassemble without limit.
 */

/** Offset just after the encoded value at `pos`, or -1 when it is unknown or runs past `b`. */
export function skipValue(b: Uint8Array, pos: number): number {
  if (pos >= b.length) return -1;
  const code = b[pos] ?? 0;
  if (code === 0x00) {
    // Described value: descriptor, then the value [AMQP 1.6.2].
    const afterDescriptor = skipValue(b, pos + 1);
    return afterDescriptor < 0 ? -1 : skipValue(b, afterDescriptor);
  }
  let end: number;
  switch (code >> 4) {
    case 0x4: end = pos + 1; break;
    case 0x5: end = pos + 2; break;
    case 0x6: end = pos + 3; break;
    case 0x7: end = pos + 5; break;
    case 0x8: end = pos + 9; break;
    case 0x9: end = pos + 17; break;
    case 0xa: case 0xc: case 0xe: // one-byte size: vbin8, str8, sym8, list8, map8, array8
      if (pos + 1 >= b.length) return -1;
      end = pos + 2 + (b[pos + 1] ?? 0);
      break;
    case 0xb: case 0xd: case 0xf: // four-byte size
      if (pos + 4 >= b.length) return -1;
      end = pos + 5 + readU32(b, pos + 1);
      break;
    default:
      return -1;
  }
  return end <= b.length ? end : -1;
}

function readU32(b: Uint8Array, pos: number): number {
  return (((b[pos] ?? 0) << 24) >>> 0) + ((b[pos + 1] ?? 0) << 16) + ((b[pos + 2] ?? 0) << 8) + (b[pos + 3] ?? 0);
}

/** A uint field (uint0, smalluint, uint) or undefined for null and other types. */
function readUint(b: Uint8Array, pos: number): number | undefined {
  switch (b[pos]) {
    case 0x43: return 0;
    case 0x52: return b[pos + 1];
    case 0x70: return pos + 4 < b.length ? readU32(b, pos + 1) : undefined;
    default: return undefined;
  }
}

/** A boolean field (true, false, boolean) or undefined for null. */
function readBool(b: Uint8Array, pos: number): boolean | undefined {
  switch (b[pos]) {
    case 0x41: return true;
    case 0x42: return false;
    case 0x56: return b[pos + 1] !== 0;
    default: return undefined;
  }
}

/** Position of the list fields of a transfer performative starting at `pos`, and their count. */
function transferFields(b: Uint8Array, pos: number): { at: number; count: number } | undefined {
  if (b[pos] !== 0x00) return undefined;
  let p = pos + 1;
  if (b[p] === 0x53 && b[p + 1] === 0x14) {
    p += 2;
  } else if (b[p] === 0x80 && p + 8 < b.length && b.subarray(p + 1, p + 9).every((x, i) => x === (i === 7 ? 0x14 : 0))) {
    p += 9;
  } else {
    return undefined;
  }
  switch (b[p]) {
    case 0x45: return { at: p + 1, count: 0 };
    case 0xc0: return p + 2 < b.length ? { at: p + 3, count: b[p + 2] ?? 0 } : undefined;
    case 0xd0: return p + 8 < b.length ? { at: p + 9, count: readU32(b, p + 5) } : undefined;
    default: return undefined;
  }
}

/**
 * Reads `handle` (field 0) and `more` (field 5) of a transfer performative at the start of
 * `body` (the frame body after the data offset). Undefined when `body` is not a transfer or the
 * fields are not in the bytes given.
 */
export function scanTransfer(body: Uint8Array): { handle: number; more: boolean } | undefined {
  const fields = transferFields(body, 0);
  if (fields === undefined || fields.count < 1) return undefined;
  const handle = readUint(body, fields.at);
  if (handle === undefined) return undefined;
  let p = fields.at;
  for (let i = 0; i < 5; i++) {
    if (i >= fields.count) return { handle, more: false };
    p = skipValue(body, p);
    if (p < 0) return undefined;
  }
  if (fields.count < 6) return { handle, more: false };
  return { handle, more: readBool(body, p) ?? false };
}
