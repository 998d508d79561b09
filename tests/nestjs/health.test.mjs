// The Terminus health indicator against the real emulator: up with the right account (the probe's 404
// proves reachability and credentials), down with a refused secret and with the service gone, through
// Terminus's own HealthCheckService (503 and the indicator's details).
import test, { after, before } from 'node:test';
import assert from 'node:assert/strict';
import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { HealthCheckService, TerminusModule } from '@nestjs/terminus';
import { CirrusHealthIndicator, CirrusModule } from 'cirrus-nestjs';
import { ACCOUNT, cloudinaryUrl, startEmulator } from '../shared/emulator.mjs';

let emulator;
before(async () => { emulator = await startEmulator(); });
after(() => emulator?.stop());

/** A Nest application context with Terminus and cirrus on `url`; resolves to its two services. */
async function appFor(url) {
  class HealthApp {}
  Module({ imports: [CirrusModule.forRoot({ cloudinary: url }), TerminusModule] })(HealthApp);
  const app = await NestFactory.createApplicationContext(HealthApp, { logger: false, abortOnError: false });
  return { app, health: app.get(HealthCheckService), cirrus: app.get(CirrusHealthIndicator) };
}

test('up: the emulator answers an authenticated Admin API read', async () => {
  const { app, health, cirrus } = await appFor(cloudinaryUrl(emulator));
  try {
    const result = await health.check([() => cirrus.isHealthy('cloudinary')]);
    assert.equal(result.status, 'ok');
    assert.equal(result.details.cloudinary.status, 'up');
    assert.equal(result.details.cloudinary.target, 'emulator');
  } finally {
    await app.close();
  }
});

test('down: a refused secret, then the service gone: 503 with the code, never the secret', async () => {
  const wrong = cloudinaryUrl(emulator).replace(ACCOUNT.api_secret, 'not-the-secret');
  const refused = await appFor(wrong);
  try {
    const direct = await refused.cirrus.isHealthy('cloudinary');
    assert.equal(direct.cloudinary.status, 'down');
    assert.equal(direct.cloudinary.code, 'UNAUTHORIZED');
    assert.doesNotMatch(JSON.stringify(direct), /not-the-secret/);
    await assert.rejects(refused.health.check([() => refused.cirrus.isHealthy('cloudinary')]), (err) => {
      assert.equal(err.getStatus(), 503);
      assert.equal(err.getResponse().error.cloudinary.status, 'down');
      return true;
    });
  } finally {
    await refused.app.close();
  }
  // Up, then the service goes: the cached answer holds for cacheMs (probes cost Admin API calls), then down.
  const going = await startEmulator();
  const { app, cirrus } = await appFor(cloudinaryUrl(going));
  try {
    assert.equal((await cirrus.isHealthy('cloudinary')).cloudinary.status, 'up');
    await going.stop();
    assert.equal((await cirrus.isHealthy('cloudinary')).cloudinary.status, 'up', 'cached');
    const down = await cirrus.isHealthy('cloudinary', { timeoutMs: 2000, cacheMs: 0 });
    assert.equal(down.cloudinary.status, 'down');
    assert.match(down.cloudinary.code, /REQUEST_FAILED|TIMEOUT/);
  } finally {
    await app.close();
  }
});
