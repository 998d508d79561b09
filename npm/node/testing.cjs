'use strict';
// `cirrus/testing`: what users' own test suites need: the repository contract kit.
const { repositoryContract, REPOSITORY_CONTRACT_CHECKS } = require('./repository-contract.cjs');

module.exports = { repositoryContract, REPOSITORY_CONTRACT_CHECKS };
