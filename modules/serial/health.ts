/**
 * The serial module's health from its ports and devices: `ok` while every port is open and its
 * frames parse; `degraded` while a port is not open (FH_SERIAL_OPEN_FAILED / FH_SERIAL_PORT_LOST,
 * with the next attempt) or its last {@link BAD_FRAMES_DEGRADED} frames in a row were too large or
 * did not parse (wrong baud rate, framing or parser). Never `failed`: that would restart the
 * module, and its other ports would suffer for one unplugged adapter. The details carry every
 * counter: bytes, frames, frames too large, bytes dropped, parse errors by reason, writes, and per
 * device the frames taken, messages sent, dropped and failed.
 */
import type { JsonObject, ModuleHealth } from '../../runtime/modules/api.js';
import type { Clock } from './clock.js';
import type { PortRunner } from './port-runner.js';
import type { SerialDevice } from './serial-device.js';

/** Bad frames in a row that make a port degraded (one garbled line at open is normal). */
export const BAD_FRAMES_DEGRADED = 5;

function portDetails(r: PortRunner, clock: Clock, path: string): JsonObject {
  const link = r.link;
  const next = link.nextAttemptAt;
  return {
    path,
    state: link.state,
    ...(link.error !== undefined ? { error: link.error.toJSON() } : {}),
    ...(next !== undefined ? { nextAttemptInMs: Math.max(0, next - clock.now()) } : {}),
    opens: link.counters.opens,
    openFailures: link.counters.openFailures,
    losses: link.counters.losses,
    bytesIn: link.counters.bytesIn,
    bytesOut: link.counters.bytesOut,
    frames: r.counters.frames,
    parsed: r.counters.parsed,
    ignored: r.counters.ignored,
    framesTooLarge: r.framer.counters.framesTooLarge,
    bytesDropped: r.framer.counters.bytesDropped,
    parseErrors: { ...r.counters.parseErrors },
    writes: r.counters.writes,
    writeFailures: r.counters.writeFailures,
    ...(r.lastProblem !== undefined ? { lastProblem: { ...r.lastProblem } } : {}),
  };
}

function deviceDetails(d: SerialDevice, port: string): JsonObject {
  const t = d.telemetry;
  return {
    port,
    profile: d.profileId,
    frames: d.counters.frames,
    decodeErrors: d.counters.decodeErrors,
    ...(t !== undefined ? { messages: t.counters.messages, pending: t.pending, dropped: t.counters.dropped, failed: t.counters.failed, reportedPatches: t.counters.reportedPatches } : {}),
    ...(d.lastFrameAt !== undefined ? { lastFrameAt: d.lastFrameAt } : {}),
    ...(d.lastDecodeError !== undefined ? { lastDecodeError: { ...d.lastDecodeError } } : {}),
  };
}

export interface PortEntry {
  readonly runner: PortRunner;
  readonly path: string;
  readonly devices: readonly SerialDevice[];
}

export function serialHealth(ports: readonly PortEntry[], clock: Clock): ModuleHealth {
  const problems: string[] = [];
  const portsJson: JsonObject = {};
  const devicesJson: JsonObject = {};
  for (const { runner, path, devices } of ports) {
    portsJson[runner.name] = portDetails(runner, clock, path);
    if (runner.link.state !== 'open') {
      problems.push(`port ${runner.name} ${runner.link.state} (${runner.link.error?.code ?? 'opening'})`);
    } else if (runner.consecutiveBadFrames >= BAD_FRAMES_DEGRADED) {
      problems.push(`port ${runner.name}: last ${runner.consecutiveBadFrames} frames dropped (${runner.lastProblem?.code ?? '?'})`);
    }
    for (const d of devices) devicesJson[d.deviceId] = deviceDetails(d, runner.name);
  }
  return {
    status: problems.length === 0 ? 'ok' : 'degraded',
    ...(problems.length > 0 ? { message: problems.join('; ') } : {}),
    details: { ports: portsJson, devices: devicesJson },
  };
}
