#!/usr/bin/env node
// Proves that the compiled (CommonJS) service can load @kubernetes/client-node, which ships as ESM only: Node 20.19+
// loads it through require(esm). Run after `npm run build`.
const { existsSync } = require('node:fs');
const { join } = require('node:path');

const built = join(__dirname, '..', 'dist', 'libs', 'kube', 'src', 'index.js');
if (!existsSync(built)) {
  console.error(`check-built-service: ${built} is missing; run npm run build first`);
  process.exit(1);
}
const kube = require(built);
const client = require('@kubernetes/client-node');
if (typeof client.KubeConfig !== 'function') {
  console.error('check-built-service: @kubernetes/client-node did not load from CommonJS');
  process.exit(1);
}
console.log(
  `check-built-service: dist loads @kubernetes/client-node (KubeConfig ok; @berth/kube exports ${Object.keys(kube).length} names)`,
);
