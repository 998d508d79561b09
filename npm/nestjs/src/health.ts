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
  constructor(@Inject(CIRRUS_CLIENT) private readonly client: Cloudinary) {}

  async isHealthy(key = 'cloudinary', options: { timeoutMs?: number } = {}): Promise<Record<string, CirrusHealth>> {
    const prefix = (JSON.parse(JSON.stringify(this.client)) as { upload_prefix?: string }).upload_prefix ?? '';
    const target = prefix.startsWith('http:') ? 'emulator' : 'cloudinary';
    const started = performance.now();
    const latency = () => Math.round(performance.now() - started);
    try {
      await this.client.resource(PROBE, { timeout: options.timeoutMs ?? 5000, retries: 0 });
      return { [key]: { status: 'up', target, latencyMs: latency() } };
    } catch (err) {
      const { code, message } = err as { code?: string; message?: string };
      if (code === 'NOT_FOUND') return { [key]: { status: 'up', target, latencyMs: latency() } };
      return { [key]: { status: 'down', target, latencyMs: latency(), code: code ?? 'REQUEST_FAILED', message: String(message ?? err) } };
    }
  }
}
