#!/usr/bin/env node
// `npm run build`: every app in one pass. One type-check of all apps and libs (tsc, incremental:
// an unchanged tree is checked again in seconds) runs while SWC writes each app's build in the
// layout `nest build <app>` gives, dist/apps/<app>/{apps/<app>,libs/<lib>}/src/**.js, which the
// runner, the migrations, the Dockerfile and the tests run. `node scripts/build.js user` emits one app.
'use strict';
const { spawn } = require('node:child_process');
const { copyFileSync, mkdirSync, readdirSync, rmSync, writeFileSync } = require('node:fs');
const { dirname, join, relative } = require('node:path');
const swc = require('@swc/core');
const ts = require('typescript');

const ROOT = join(__dirname, '..');
const APPS = ['user', 'order', 'payment'];

function sources(dir) {
  return readdirSync(join(ROOT, dir), { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') && !entry.name.endsWith('spec.ts'))
    .map((entry) => relative(ROOT, join(entry.parentPath, entry.name)));
}

/** Resolves after `tsc --build tsconfig.build.json`; rejects with its exit code when it found errors. */
function typeCheck() {
  const tsc = require.resolve('typescript/bin/tsc');
  const child = spawn(process.execPath, [tsc, '--build', join(ROOT, 'tsconfig.build.json'), '--pretty'], { cwd: ROOT, stdio: 'inherit' });
  return new Promise((resolve, reject) => child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`type-check failed (tsc exited ${code})`)))));
}

function swcOptions() {
  const { config } = ts.readConfigFile(join(ROOT, 'tsconfig.json'), ts.sys.readFile);
  const { target, experimentalDecorators, emitDecoratorMetadata, paths } = config.compilerOptions;
  return {
    swcrc: false,
    jsc: {
      parser: { syntax: 'typescript', decorators: experimentalDecorators },
      transform: { legacyDecorator: experimentalDecorators, decoratorMetadata: emitDecoratorMetadata, useDefineForClassFields: true },
      target: target.toLowerCase(),
      // Nest and TypeORM name providers and entities after their classes.
      keepClassNames: true,
      baseUrl: ROOT,
      paths,
    },
    module: { type: 'commonjs', strict: false },
    sourceMaps: true,
    inlineSourcesContent: false,
  };
}

async function emit(app, options) {
  const out = join(ROOT, 'dist', 'apps', app);
  rmSync(out, { recursive: true, force: true });
  const files = [...sources(join('apps', app, 'src')), ...readdirSync(join(ROOT, 'libs')).flatMap((lib) => sources(join('libs', lib, 'src')))];
  await Promise.all(
    files.map(async (file) => {
      const target = join(out, file.replace(/\.ts$/, '.js'));
      const { code, map } = await swc.transformFile(join(ROOT, file), {
        ...options,
        filename: join(ROOT, file),
        sourceFileName: relative(dirname(target), join(ROOT, file)),
      });
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, `${code}\n//# sourceMappingURL=${target.split('/').pop()}.map\n`);
      writeFileSync(`${target}.map`, map);
    }),
  );
  // Data files the code reads next to itself (the demo catalog, the services' registry).
  for (const file of [join('apps', app, 'src'), ...readdirSync(join(ROOT, 'libs')).map((lib) => join('libs', lib, 'src'))].flatMap(assets)) {
    mkdirSync(dirname(join(out, file)), { recursive: true });
    copyFileSync(join(ROOT, file), join(out, file));
  }
  return files.length;
}

function assets(dir) {
  return readdirSync(join(ROOT, dir), { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.json'))
    .map((entry) => relative(ROOT, join(entry.parentPath, entry.name)));
}

async function main() {
  const apps = process.argv.slice(2);
  for (const app of apps) if (!APPS.includes(app)) throw new Error(`usage: node scripts/build.js [${APPS.join('|')}]...`);
  const started = Date.now();
  const options = swcOptions();
  const checked = typeCheck();
  const emitted = await Promise.all((apps.length ? apps : APPS).map((app) => emit(app, options)));
  await checked;
  console.log(
    `Built ${emitted.reduce((a, b) => a + b, 0)} files for ${(apps.length ? apps : APPS).join(', ')} in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
}

main().catch((error) => {
  console.error(error.message);
  process.exit(1);
});
