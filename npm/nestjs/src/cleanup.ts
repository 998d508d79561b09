import { Inject, Injectable, Logger, Optional, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import type { MediaService } from './cirrus.js';
import { CIRRUS_MEDIA, CIRRUS_OPTIONS, type CirrusModuleOptions } from './tokens.js';

/** Background cleanup of the media lifecycle: `sweep()` on a schedule, `reconcile()` less often. */
export interface CleanupOptions {
  /** How often to sweep (default 60 s). */
  intervalMs?: number;
  /** How often to run the drift check (default: never). */
  reconcileEveryMs?: number;
  /**
   * Run the schedule as a BullMQ repeatable job on the queue your app already runs (needs `bullmq`):
   * every replica runs a worker, each run is done by exactly one of them, and a replica that dies mid-run
   * leaves its claims to expire and be swept again. Without it, each replica runs `startSweeper()` (safe
   * too: the repository's claims never give one record to two sweepers).
   */
  queue?: {
    /** BullMQ connection (`{ host, port }` or an ioredis instance). */
    connection: unknown;
    /** Queue name (default `cirrus-cleanup`). */
    name?: string;
    /** BullMQ key prefix. */
    prefix?: string;
  };
}

/** What each cleanup run did, for logs and health checks. */
export interface CleanupRun {
  job: 'sweep' | 'reconcile';
  at: string;
  result?: unknown;
  error?: string;
}

/** Runs the media service's cleanup: a BullMQ repeatable job, or a timer per replica. */
@Injectable()
export class CirrusCleanup implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('CirrusCleanup');
  private stops: Array<() => Promise<void> | void> = [];
  /** The last runs (newest last, at most 20). */
  readonly runs: CleanupRun[] = [];

  constructor(
    @Inject(CIRRUS_OPTIONS) private readonly options: CirrusModuleOptions,
    @Optional() @Inject(CIRRUS_MEDIA) private readonly media: MediaService | null,
  ) {}

  private record(run: CleanupRun): void {
    this.runs.push(run);
    if (this.runs.length > 20) this.runs.shift();
    if (run.error) this.logger.warn(`${run.job} failed: ${run.error}`);
  }

  /** Runs one job now (what the queue's worker and the timer call). */
  async run(job: 'sweep' | 'reconcile'): Promise<unknown> {
    if (!this.media) throw new Error('cirrus cleanup needs a repository (CirrusModule repository option)');
    const at = new Date().toISOString();
    try {
      const result = job === 'sweep' ? await this.media.sweep() : await this.media.reconcile();
      this.record({ job, at, result });
      return result;
    } catch (err) {
      this.record({ job, at, error: (err as Error).message });
      throw err;
    }
  }

  async onModuleInit(): Promise<void> {
    const cleanup = this.options.cleanup;
    if (!cleanup || !this.media) return;
    const every = cleanup.intervalMs ?? 60_000;
    if (cleanup.queue) {
      await this.startQueue(cleanup, every);
      return;
    }
    const sweeper = this.media.startSweeper({
      intervalMs: every,
      reconcileEveryMs: cleanup.reconcileEveryMs,
      onReport: (r) => this.record({ job: r.sweep ? 'sweep' : 'reconcile', at: new Date().toISOString(), result: r.sweep ?? r.reconcile }),
      onError: (e) => this.record({ job: 'sweep', at: new Date().toISOString(), error: e.message }),
    });
    this.stops.push(() => sweeper.stop());
  }

  private async startQueue(cleanup: CleanupOptions, every: number): Promise<void> {
    let bullmq: typeof import('bullmq');
    try {
      bullmq = await import('bullmq');
    } catch (cause) {
      throw Object.assign(new Error('cirrus cleanup: queue needs the `bullmq` package (npm install bullmq)', { cause }), { code: 'MISSING_DEPENDENCY' });
    }
    const queueName = cleanup.queue!.name ?? 'cirrus-cleanup';
    const connection = cleanup.queue!.connection as import('bullmq').ConnectionOptions;
    const common = { connection, prefix: cleanup.queue!.prefix };
    const queue = new bullmq.Queue(queueName, common);
    // Repeatable jobs are keyed by name and schedule: every replica adding them registers one schedule.
    await queue.upsertJobScheduler('cirrus-sweep', { every }, { name: 'sweep', opts: { removeOnComplete: 100, removeOnFail: 100 } });
    if (cleanup.reconcileEveryMs) {
      await queue.upsertJobScheduler('cirrus-reconcile', { every: cleanup.reconcileEveryMs }, { name: 'reconcile', opts: { removeOnComplete: 100, removeOnFail: 100 } });
    }
    const worker = new bullmq.Worker(queueName, async (job) => this.run(job.name === 'reconcile' ? 'reconcile' : 'sweep'), { ...common, concurrency: 1 });
    worker.on('error', (err) => this.logger.warn(`queue worker: ${err.message}`));
    this.stops.push(async () => {
      await worker.close();
      await queue.close();
    });
  }

  async onApplicationShutdown(): Promise<void> {
    for (const stop of this.stops.splice(0)) await stop();
  }
}
