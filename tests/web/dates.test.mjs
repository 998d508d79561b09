// Dates in upload params, web package (the check: tests/shared/dates.mjs).
import test from 'node:test';
import * as web from 'cirrus-web';
import { checkDates } from '../shared/dates.mjs';

test('Dates in access_control are ISO strings, as the SDK sends and signs them (wasm)', async () => {
  await web.init();
  checkDates(web);
});
