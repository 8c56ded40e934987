#!/usr/bin/env node
// `npm run lint`: prettier --check on the sources changed since LINT_BASE (default origin/main, else
// main), so that every change is formatted. The whole tree is not checked yet: about fifty files
// written before prettier ran in review would fail, and reformatting them at once would collide
// with work in progress; `npm run format` fixes any file.
'use strict';
const { execFileSync, spawnSync } = require('node:child_process');

const git = (...args) => execFileSync('git', args, { encoding: 'utf8' }).trim();
const exists = (ref) => {
  try {
    git('rev-parse', '--verify', '--quiet', `${ref}^{commit}`);
    return true;
  } catch {
    return false;
  }
};
const base = [process.env.LINT_BASE, 'origin/main', 'main'].find((ref) => ref && exists(ref));
if (!base) throw new Error('no base to compare with: set LINT_BASE to a commit');
const changed = git('diff', '--name-only', '--diff-filter=ACMR', `${base}...HEAD`)
  .split('\n')
  .concat(git('diff', '--name-only', '--diff-filter=ACMR', 'HEAD').split('\n'))
  .filter((file) => /^(apps|libs|test)\/.*\.ts$|^(scripts|bench)\/.*\.js$/.test(file));
const files = [...new Set(changed)];
if (files.length === 0) {
  process.stdout.write(`lint: no source changed since ${base}\n`);
} else {
  process.stdout.write(`lint: prettier --check on ${files.length} file(s) changed since ${base}\n`);
  process.exitCode = spawnSync(process.execPath, [require.resolve('prettier/bin/prettier.cjs'), '--check', ...files], { stdio: 'inherit' }).status ?? 1;
}
