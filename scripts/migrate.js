#!/usr/bin/env node
// Runs an app's migrations as their own step: `npm run migration:run -- user`,
// `npm run migration:revert -- order`, `npm run migration:generate -- payment AddRefundReason`.
'use strict';
const { execFileSync } = require('node:child_process');
const { existsSync } = require('node:fs');
const { join } = require('node:path');

const [command, app, name] = process.argv.slice(2);
const apps = ['user', 'order', 'payment'];
if (!apps.includes(app)) {
  console.error(`usage: npm run migration:${command ?? 'run'} -- <${apps.join('|')}>${command === 'generate' ? ' NameInPascalCase' : ''}`);
  process.exit(1);
}
const root = join(__dirname, '..');
execFileSync(process.execPath, [join(root, 'scripts', 'build.js'), app], { cwd: root, stdio: 'inherit' });
const entry = join(root, 'dist', 'apps', app, 'apps', app, 'src', 'migrate.js');
if (!existsSync(entry)) {
  console.error(`${entry} is missing after the build`);
  process.exit(1);
}
try {
  execFileSync(process.execPath, [entry, command, ...(name ? [name] : [])], { cwd: root, stdio: 'inherit' });
} catch (error) {
  process.exit(error.status ?? 1);
}
