// ESM entry of `cirrus/testing`.
import { createRequire } from 'node:module';

const testing = createRequire(import.meta.url)('./testing.cjs');

export const { repositoryContract, REPOSITORY_CONTRACT_CHECKS, startEmulator, emulatorPath, emulatorUrlOptions, DEMO_ACCOUNT } = testing;
export default testing;
