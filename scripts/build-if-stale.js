#!/usr/bin/env node
// `npm start` on a fresh clone: build once, and again whenever a source file is newer than the build.
const { statSync, readdirSync, existsSync } = require('node:fs');
const { join } = require('node:path');
const { execSync } = require('node:child_process');

const root = join(__dirname, '..');
const marker = join(root, 'dist/apps/broker/src/main.js');

function newestSource(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(path));
    else if (entry.name.endsWith('.ts')) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

const sources = ['apps', 'libs', 'providers', 'migrations'].map((d) => join(root, d)).filter(existsSync);
const newest = Math.max(...sources.map(newestSource), statSync(join(root, 'tsconfig.json')).mtimeMs);
if (!existsSync(marker) || statSync(marker).mtimeMs < newest) {
  process.stderr.write('berth: building (sources changed since the last build)…\n');
  execSync('npm run build --silent', { cwd: root, stdio: 'inherit' });
}
