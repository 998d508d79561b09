// Dates in upload params, Node addon (the check: tests/shared/dates.mjs).
import test from 'node:test';
import { createRequire } from 'node:module';
import { checkDates } from '../shared/dates.mjs';

test('Dates in access_control are ISO strings, as the SDK sends and signs them (Node addon)', () => {
  checkDates(createRequire(import.meta.url)('cirrus'));
});
