'use strict';
// `cirrus/testing`: what users' own test suites need: the local emulator and the repository contract kit.
const { repositoryContract, REPOSITORY_CONTRACT_CHECKS } = require('./repository-contract.cjs');
const { startEmulator, emulatorPath, emulatorUrlOptions, DEMO_ACCOUNT } = require('./emulator.cjs');

module.exports = { repositoryContract, REPOSITORY_CONTRACT_CHECKS, startEmulator, emulatorPath, emulatorUrlOptions, DEMO_ACCOUNT };
