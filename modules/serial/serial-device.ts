/**
 * One configured serial device as a hub identity: it registers the leaf device, takes the parsed
 * frames of its port that match it, turns them into point values by its profile and hands them
 * to its {@link TelemetryBatcher} (telemetry per frame or per interval, reported properties on
 * change). At start it reports `_serial: {profile, port, units}` (the points' units) once. Direct methods: `write` `{data, encoding, appendDelimiter?, replyTimeoutMs?}` and the
 * port's named commands send bytes on the port; they answer 200 `{bytesWritten[, reply]}`, or
 * 400 (FH_SERIAL_WRITE_INVALID), 503 (FH_SERIAL_WRITE_FAILED: port down or busy), 504
 * (FH_SERIAL_REPLY_TIMEOUT) with `{code, message}`.
 */
import type { SerialProfile } from '../../devices/profile.js';
import { FieldhubError } from '../../hub-core/errors.js';
import type { JsonObject, JsonValue, LeafDevice, Logger, MethodAnswer, ModuleContext } from '../../runtime/modules/api.js';
import type { Clock } from './clock.js';
import type { CommandConfig, DeviceConfig } from './config.js';
import type { ParsedFrame } from './parsing/parser.js';
import { frameMatches, readPoints, type PointValue } from './point-values.js';
import type { PortRunner } from './port-runner.js';
import { TelemetryBatcher } from './telemetry-batcher.js';
import { commandRequest, writeRequest, type WriteRequest } from './writes.js';

export interface SerialDeviceOptions {
  readonly config: DeviceConfig;
  readonly profile: SerialProfile;
  readonly port: PortRunner;
  readonly mode: 'interval' | 'frame';
  /** The port's delimiter, for `appendDelimiter` (undefined without delimiter framing). */
  readonly delimiter: Buffer | undefined;
  readonly commands: Readonly<Record<string, CommandConfig>>;
  readonly maxPendingTelemetry: number;
  readonly clock: Clock;
  readonly logger: Logger;
}

export interface DeviceCounters {
  /** Frames of the port that matched this device. */
  frames: number;
  /** Point values that did not convert (FH_PROFILE_DECODE_FAILED). */
  decodeErrors: number;
}

/** Reported-properties key of the device's profile facts `{profile, port, units}` (a point name cannot start with `_`). */
export const PROFILE_KEY = '_serial';

/** The method status of a failed write. */
export function writeStatusFor(err: unknown): number {
  if (!(err instanceof FieldhubError)) return 500;
  switch (err.code) {
    case 'FH_SERIAL_WRITE_INVALID': return 400;
    case 'FH_SERIAL_WRITE_FAILED': return 503;
    case 'FH_SERIAL_REPLY_TIMEOUT': return 504;
    default: return 500;
  }
}

export class SerialDevice {
  readonly counters: DeviceCounters = { frames: 0, decodeErrors: 0 };
  lastFrameAt: string | undefined;
  lastDecodeError: { code: string; message: string } | undefined;
  private batcher: TelemetryBatcher | undefined;
  private leaf: LeafDevice | undefined;

  constructor(private readonly o: SerialDeviceOptions) {}

  get deviceId(): string {
    return this.o.config.deviceId;
  }

  get profileId(): string {
    return this.o.profile.id;
  }

  get telemetry(): TelemetryBatcher | undefined {
    return this.batcher;
  }

  /** Registers the identity, wires its methods and starts taking frames. */
  async start(ctx: ModuleContext): Promise<void> {
    const leaf = await ctx.registerDevice(this.deviceId);
    this.leaf = leaf;
    this.batcher = new TelemetryBatcher({
      deviceId: this.deviceId, points: this.o.profile.points, mode: this.o.mode, maxPending: this.o.maxPendingTelemetry,
      clock: this.o.clock, logger: this.o.logger,
      ...(this.o.config.pollIntervalS !== undefined ? { pollIntervalS: this.o.config.pollIntervalS } : {}),
      target: {
        sendTelemetry: (body) => leaf.sendTelemetry({ body, contentType: 'application/json' }),
        updateReported: (patch) => leaf.updateReported(patch),
      },
    });
    // What the twin already holds need not be reported again after a restart.
    const twin = await leaf.getTwin();
    const known = new Map<string, PointValue>();
    for (const p of this.o.profile.points) {
      const v = twin.reported[p.name];
      if (p.reported && (typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean')) known.set(p.name, v);
    }
    this.batcher.seedReported(known);
    // What the values mean travels once, in the twin, rather than in every message.
    const meta: JsonObject = { profile: this.o.profile.id, port: this.o.port.name, units: Object.fromEntries(this.o.profile.points.filter((p) => p.unit !== undefined).map((p) => [p.name, p.unit!])) };
    if (JSON.stringify(twin.reported[PROFILE_KEY]) !== JSON.stringify(meta)) {
      await leaf.updateReported({ [PROFILE_KEY]: meta }).catch((err: Error) => this.o.logger.warn({ event: 'serial-reported-failed', deviceId: this.deviceId, err: err.message }, 'profile facts not reported'));
    }
    leaf.onMethod('write', (payload) => this.send('write', () => writeRequest(payload, this.o.delimiter)));
    for (const [name, command] of Object.entries(this.o.commands)) {
      leaf.onMethod(name, (payload) => this.send(name, () => commandRequest(name, command, payload, this.o.delimiter)));
    }
    this.o.port.onParsed((frame) => this.onFrame(frame));
    this.batcher.start();
  }

  async stop(): Promise<void> {
    await this.batcher?.stop();
  }

  private onFrame(frame: ParsedFrame): void {
    if (this.batcher === undefined || !frameMatches(this.o.config.match, frame)) return;
    this.counters.frames++;
    this.lastFrameAt = new Date(this.o.clock.now()).toISOString();
    const { values, errors } = readPoints(this.o.profile.points, frame);
    if (errors.length > 0) {
      this.counters.decodeErrors += errors.length;
      const e = errors[errors.length - 1]!;
      this.lastDecodeError = { code: e instanceof FieldhubError ? e.code : 'FH_PROFILE_DECODE_FAILED', message: e.message };
      this.o.logger.debug({ event: 'serial-decode-failed', deviceId: this.deviceId, err: e.message }, 'a point value did not convert');
    }
    this.batcher.accept(values);
  }

  private async send(method: string, build: () => WriteRequest): Promise<MethodAnswer> {
    try {
      const result = await this.o.port.write(build());
      this.o.logger.info({ event: 'serial-write', deviceId: this.deviceId, method, bytes: result.bytesWritten }, 'serial bytes written');
      return { status: 200, payload: result as unknown as JsonObject };
    } catch (err) {
      const status = writeStatusFor(err);
      const payload: JsonValue = err instanceof FieldhubError ? { code: err.code, message: err.message } : { code: 'FH_INTERNAL', message: String(err) };
      this.o.logger.warn({ event: 'serial-write-failed', deviceId: this.deviceId, method, status, code: payload.code }, 'serial write refused or failed');
      return { status, payload };
    }
  }
}
