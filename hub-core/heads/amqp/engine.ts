/**
 * What the AMQP head loads when its first connection arrives, not at start: rhea's container,
 * the head-wide service-bound queues (feedback, file notifications) and the connection code.
 * A hub nobody dials over AMQP never loads rhea.
 */
import type { Duplex } from 'node:stream';
import rhea from 'rhea';
import type { FileNotification } from '../../core/api.js';
import type { FeedbackRecord } from '../../core/types.js';
import { AmqpConnection, type ConnectionContext } from './connection.js';
import { AmqpEvents } from './log-events.js';
import { encodeFeedback, encodeFileNotification, FEEDBACK_BATCH_MAX } from './message-codec.js';
import { ServiceBoundQueue } from './service-bound.js';

/** The connection settings the head computes from its options. */
export type EngineSettings = Omit<ConnectionContext, 'container' | 'feedback' | 'fileNotifications'> & {
  /** How long newly available feedback waits for more records before a partial batch goes, ms. */
  feedbackBatchDelayMs: number;
};

export class AmqpEngine {
  private readonly ctx: ConnectionContext;

  constructor(settings: EngineSettings) {
    const { core, log, feedbackBatchDelayMs, ...rest } = settings;
    const container = rhea.create_container({ id: core.hostName });
    // Errors no connection handled (a bad peer's link or session error) end up here; without a
    // handler rhea would throw them and end the process.
    container.on('error', (err: Error) => AmqpEvents.protocolError(log, 0, err.message));
    const hubName = core.hostName;
    // The records live in the core's durable queues; these only lease them for receivers.
    const feedback = new ServiceBoundQueue<FeedbackRecord>({
      name: 'feedback', queue: core.serviceQueues.feedback, encode: (batch) => encodeFeedback(batch, hubName),
      batchMax: FEEDBACK_BATCH_MAX, delayMs: feedbackBatchDelayMs, log,
    });
    const fileNotifications = new ServiceBoundQueue<FileNotification>({
      name: 'file-notifications', queue: core.serviceQueues.fileNotifications,
      encode: (batch) => encodeFileNotification({ ...batch[0] }, hubName), batchMax: 1, delayMs: 0, log,
    });
    this.ctx = { ...rest, core, log, container, feedback, fileNotifications };
  }

  /** Serves AMQP on a stream that is already secured (TLS, or a WebSocket's payload). */
  connect(socket: Duplex): AmqpConnection {
    return new AmqpConnection(socket, this.ctx);
  }

  /** Stops leasing service-bound records (the head is closing). */
  close(): void {
    this.ctx.feedback.close();
    this.ctx.fileNotifications.close();
  }
}
