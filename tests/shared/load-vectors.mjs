// Loads tests/vectors/*.json in Node.
import { readFileSync } from 'node:fs';
import { AREAS } from './vector-runner.mjs';

const dir = new URL('../vectors/', import.meta.url);

export function loadVectors() {
  const files = {};
  for (const name of [...AREAS, 'deviations']) {
    files[name] = JSON.parse(readFileSync(new URL(`${name}.json`, dir), 'utf8'));
  }
  return files;
}
