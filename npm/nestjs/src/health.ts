import { Inject, Injectable } from '@nestjs/common';
import type { Cloudinary } from './cirrus.js';
import { CIRRUS_CLIENT } from './tokens.js';

/** What `CirrusHealthIndicator.isHealthy` reports under its key (Terminus's `HealthIndicatorResult` shape). */
export interface CirrusHealth {
  status: 'up' | 'down';
  /** `cloudinary`, or `emulator` when the account uploads to a plain-http `upload_prefix`. */
  target: 'cloudinary' | 'emulator';
  /** The round trip of the probe, in milliseconds. */
  latencyMs: number;
  /** Why it is down: the error's stable code and message (never a secret). */
  code?: string;
  message?: string;
}

/** The public id the probe asks for; that it does not exist is the expected answer. */
const PROBE = 'cirrus-health-probe';

/**
 * A Terminus health indicator for the Cloudinary account (or the emulator it points at). It makes one
 * authenticated Admin API read: an answer — the probe's 404 included — proves the service is reachable and
 * accepts these credentials; a network failure, a timeout or a refused key is `down` with its code.
 * Terminus needs nothing else: its HealthCheckService reads `status`.
 *
 *   @Get('health') @HealthCheck()
 *   check() { return this.health.check([() => this.cirrus.isHealthy('cloudinary')]); }
 */
@Injectable()
export class CirrusHealthIndicator {
  /** The last probe's answer and when it was made: probes share the account's hourly Admin API limit. */
  private last: { at: number; health: CirrusHealth } | null = null;

  constructor(@Inject(CIRRUS_CLIENT) private readonly client: Cloudinary) {}

  /**
   * `cacheMs` (default 30 s): a probe's answer is reused for this long, so a liveness probe every few
   * seconds costs at most 120 Admin API calls an hour (Cloudinary counts them; a rate-limited account
   * must not look down and get its pods restarted). `timeoutMs` (default 5 s) bounds the probe.
   */
  async isHealthy(key = 'cloudinary', options: { timeoutMs?: number; cacheMs?: number } = {}): Promise<Record<string, CirrusHealth>> {
    const cacheMs = options.cacheMs ?? 30_000;
    if (this.last && Date.now() - this.last.at < cacheMs) return { [key]: this.last.health };
    const health = await this.probe(options.timeoutMs ?? 5000);
    this.last = { at: Date.now(), health };
    return { [key]: health };
  }

  private async probe(timeoutMs: number): Promise<CirrusHealth> {
    const prefix = (JSON.parse(JSON.stringify(this.client)) as { upload_prefix?: string }).upload_prefix ?? '';
    const target = prefix.startsWith('http:') ? 'emulator' : 'cloudinary';
    const started = performance.now();
    const latency = () => Math.round(performance.now() - started);
    try {
      await this.client.resource(PROBE, { timeout: timeoutMs, retries: 0 });
      return { status: 'up', target, latencyMs: latency() };
    } catch (err) {
      const { code, message } = err as { code?: string; message?: string };
      if (code === 'NOT_FOUND') return { status: 'up', target, latencyMs: latency() };
      return { status: 'down', target, latencyMs: latency(), code: code ?? 'REQUEST_FAILED', message: String(message ?? err) };
    }
  }
}
