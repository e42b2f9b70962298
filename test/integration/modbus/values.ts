/**
 * The register image of the test-all-types profile (fixtures/test-all-types.yaml) and the values
 * it must decode to. The registers are built here with Node's Buffer writers, independently of
 * the codecs under test.
 */
import type { PeerConfig } from './peers.js';

const words = (buf: Buffer): number[] => Array.from({ length: buf.length / 2 }, (_, i) => buf.readUInt16BE(i * 2));
const be = (bytes: number, write: (b: Buffer) => void): number[] => {
  const b = Buffer.alloc(bytes);
  write(b);
  return words(b);
};
/** Byte order LE: each register's two bytes swapped. */
const swapped = (ws: number[]): number[] => ws.map((w) => ((w & 0xff) << 8) | (w >> 8));
/** Word order LE: low word first. */
const reversed = (ws: number[]): number[] => [...ws].reverse();

/** Holding 0..39, input 0..2 and 100..101, coils 0..5, discrete 0..3 of one unit. */
export function allTypesImage(): PeerConfig['units'][string] {
  const hr: number[] = [
    ...be(2, (b) => b.writeInt16BE(-1234)), // 0 i16
    ...be(2, (b) => b.writeUInt16BE(54321)), // 1 u16
    ...be(4, (b) => b.writeInt32BE(-123456789)), // 2 i32
    ...be(4, (b) => b.writeUInt32BE(3_000_000_000)), // 4 u32
    ...be(4, (b) => b.writeFloatBE(230.5)), // 6 f32
    ...be(8, (b) => b.writeDoubleBE(12345.678901234)), // 8 f64
    ...reversed(be(4, (b) => b.writeFloatBE(-0.25))), // 12 f32cdab
    ...swapped(be(4, (b) => b.writeInt32BE(0x01020304))), // 14 i32badc
    ...swapped(be(2, (b) => b.writeUInt16BE(0x1234))), // 16 u16swapped
    0, // 17 (hole)
    ...swapped(reversed(be(8, (b) => b.writeDoubleBE(-0.001)))), // 18 f64dcba
    ...words(Buffer.from('FH-01\0\0\0', 'latin1')), // 22 text (4 registers)
    0x80d5, // 26 flags; mode = bits 4..6 = 5; alarm = bit 15
    0, // 27 (hole)
    ...be(4, (b) => b.writeFloatBE(21.5)), // 28 setpoint
    455, // 30 limit (x 0.1)
    0x0104, // 31 enable = bit 2 (bit 8 set too: a bit write must keep it)
    ...words(Buffer.from('abc\0\0\0\0\0', 'latin1')), // 32 label
    ...be(4, (b) => b.writeUInt32BE(7)), // 36 counter
  ];
  const ir = [653, ...be(4, (b) => b.writeFloatBE(229.75))]; // temperature raw 653, voltage
  const energy = reversed(be(4, (b) => b.writeUInt32BE(123_456_789)));
  return {
    hr: [[0, hr]],
    ir: [[0, ir], [100, energy]],
    co: [[0, [1, 0, 0, 0, 0, 0]]],
    di: [[0, [0, 0, 0, 1]]],
  };
}

/** The telemetry the image decodes to (points with telemetry: true). */
export const ALL_TYPES_TELEMETRY = {
  i16: -1234, u16: 54321, i32: -123456789, u32: 3_000_000_000, f32: 230.5, f64: 12345.678901234,
  f32cdab: -0.25, i32badc: 0x01020304, u16swapped: 0x1234, f64dcba: -0.001, text: 'FH-01',
  flags: 0x80d5, mode: 5, alarm: true, setpoint: 21.5, limit: 45.5, enable: true,
  temperature: 25.3, voltage: 229.75, energy: 123_456_789, running: true, relay: false, door: true,
};

/** The reported properties after the first cycle (points with reported: true). */
export const ALL_TYPES_REPORTED = { setpoint: 21.5, enable: true, label: 'abc', voltage: 229.75, relay: false };

/** Requests of one cycle: holding 0..35, input 0..2, input 100..101, coils 0..5, discrete 3. */
export const ALL_TYPES_COALESCED_REQUESTS = 5;
/** Polled points (every point but `counter`, which is neither telemetry nor reported): one request each. */
export const ALL_TYPES_POLLED_POINTS = 24;
