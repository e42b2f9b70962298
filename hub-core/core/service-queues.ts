/**
 * The hub's two service-bound queues (wire contract E): C2D delivery feedback and file
 * notifications, each a {@link ServiceQueue} over its own sublevel of the core's store.
 */
import type { Store } from '../store/store.js';
import type { Clock, FileNotification, HubLimits } from './api.js';
import type { Background } from './background.js';
import { ServiceQueue } from './service-queue.js';
import type { ServiceQueueStats, ServiceQueuesApi } from './service-queue-api.js';
import type { FeedbackRecord } from './types.js';
import type { WriteFn } from './write.js';

export interface ServiceQueuesDeps {
  /** The core's store; the queues take the sublevels `feedback` and `file-notifications`. */
  core: Store;
  write: WriteFn;
  clock: Clock;
  limits: HubLimits;
  background: Background;
}

/** Implements {@link ServiceQueuesApi}. */
export class ServiceQueues implements ServiceQueuesApi {
  private constructor(
    readonly feedback: ServiceQueue<FeedbackRecord>,
    readonly fileNotifications: ServiceQueue<FileNotification>,
  ) {}

  static async load(deps: ServiceQueuesDeps): Promise<ServiceQueues> {
    const { core, ...rest } = deps;
    return new ServiceQueues(
      await ServiceQueue.load<FeedbackRecord>({ store: core.sublevel('feedback'), ...rest }),
      await ServiceQueue.load<FileNotification>({ store: core.sublevel('file-notifications'), ...rest }),
    );
  }

  /** Starts both expiry sweeps. */
  startSweep(): void {
    this.feedback.startSweep();
    this.fileNotifications.startSweep();
  }

  /** Stops timers and leasing (hub closing). */
  stop(): void {
    this.feedback.stop();
    this.fileNotifications.stop();
  }

  stats(): { feedback: ServiceQueueStats; fileNotifications: ServiceQueueStats } {
    return { feedback: this.feedback.stats(), fileNotifications: this.fileNotifications.stats() };
  }
}
