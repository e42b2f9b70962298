/**
 * `fieldhub monitor`: prints device-to-cloud telemetry as it arrives, one JSON object per line
 * (the hub's telemetry stream format), until Ctrl-C. Survives hub restarts (see
 * telemetry-follower.ts). Notices go to stderr, so stdout stays pure NDJSON for `jq`.
 */
import type { Command } from 'commander';
import { action, addTargetOptions, examples, targetOptions } from '../cli-support.js';
import { resolveTarget, type TargetOptions } from '../hub-target.js';
import { followTelemetry, latestSeq } from '../telemetry-follower.js';

interface MonitorFlags extends TargetOptions {
  device?: string;
  fromStart?: boolean;
}

/** Registers `monitor` on the program. */
export function registerMonitorCommand(program: Command): void {
  addTargetOptions(program.command('monitor')
    .summary('print device telemetry as JSON lines')
    .description([
      'Prints device-to-cloud telemetry, one JSON object per line on stdout: {"seq","deviceId","moduleId","enqueuedTime","system","properties","body","bodyEncoding"}. bodyEncoding is "utf8" (body is the text) or "base64" (a binary body).',
      'By default only messages that arrive from now on; --from-start first prints every message the hub still keeps (limits.telemetryRetentionMs). If the hub restarts, monitor reconnects and resumes after the last message it printed. Notices go to stderr. Ctrl-C ends it (exit 0).',
    ].join('\n\n'))
    .option('--device <id>', 'only this device (and its modules)')
    .option('--from-start', 'begin with the oldest stored message instead of new ones only'))
    .addHelpText('after', examples(
      'fieldhub monitor',
      'fieldhub monitor --device sensor-1 --from-start',
      'fieldhub monitor | jq -r \'select(.bodyEncoding=="utf8") | .body\'',
    ))
    .action(action(async (flags: MonitorFlags) => {
      const opts = targetOptions({ ...flags });
      const first = resolveTarget(opts);
      const afterSeq = flags.fromStart ? undefined : await latestSeq(first);
      const controller = new AbortController();
      const stop = (): void => controller.abort();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      try {
        await followTelemetry({
          resolve: () => resolveTarget(opts),
          ...(flags.device !== undefined ? { deviceId: flags.device } : {}),
          ...(afterSeq !== undefined ? { afterSeq } : {}),
          signal: controller.signal,
          onMessage: (line) => process.stdout.write(`${JSON.stringify(line)}\n`),
          onNotice: (text) => process.stderr.write(`fieldhub monitor: ${text}\n`),
        });
      } finally {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
      }
    }));
}
