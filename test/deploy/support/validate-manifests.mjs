// Checks Kubernetes objects (a JSON array on stdin) against the API schemas and prints a JSON array
// with the problems of each. It runs as its own Node process because kubernetes-models ships ES
// modules only, which jest's CommonJS loader cannot resolve.
//
// Two checks: kubernetes-models' validators (types, required fields, formats), and a TypeScript
// type-check of each object against the same models' interfaces, which refuses unknown fields
// (`readinesProbe`) that the JSON schemas let through, as the API server's strict validation would.
// The Prometheus Operator's kinds, which kubernetes-models lacks, are checked by monitoring-crds.mjs.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { monitoringProblems } from './monitoring-crds.mjs';

const API_VERSION = /^([a-z0-9-]+(\.[a-z0-9-]+)*\/)?v[0-9]+((alpha|beta)[0-9]+)?$/;
const KIND = /^[A-Z][A-Za-z0-9]*$/;

const objects = JSON.parse(readFileSync(0, 'utf8'));
const models = await Promise.all(objects.map(loadModel));
const problems = objects.map((object, index) =>
  models[index] ? validationProblems(models[index], object) : (monitoringProblems(object) ?? [`unknown kind ${object?.apiVersion}/${object?.kind}`]),
);
for (const [index, problem] of unknownFieldProblems(objects, models)) problems[index].push(problem);
process.stdout.write(JSON.stringify(problems));

async function loadModel(object) {
  const { apiVersion, kind } = object ?? {};
  if (!API_VERSION.test(apiVersion ?? '') || !KIND.test(kind ?? '')) return undefined;
  const module = await import(`kubernetes-models/${apiVersion}/${kind}`).catch(() => undefined);
  const model = module?.[kind];
  return model?.apiVersion === apiVersion && model?.kind === kind ? { model, specifier: `kubernetes-models/${apiVersion}/${kind}`, kind } : undefined;
}

function validationProblems({ model }, object) {
  try {
    new model(object).validate();
    return [];
  } catch (error) {
    const details = error.errors?.map((e) => `${e.instancePath || '/'} ${e.message}`);
    return details?.length ? details : [String(error.message ?? error)];
  }
}

function unknownFieldProblems(objects, models) {
  const dir = join(import.meta.dirname, '.manifests');
  const file = join(dir, 'objects.mts');
  const lines = [];
  const owner = [];
  models.forEach((loaded, index) => {
    if (loaded) lines.push(`import type { I${loaded.kind} as T${index} } from '${loaded.specifier}';`);
  });
  const header = lines.length;
  models.forEach((loaded, index) => {
    if (!loaded) return;
    const body = `export const o${index}: T${index} = ${JSON.stringify(objects[index], null, 1)};`.split('\n');
    for (const line of body) {
      lines.push(line);
      owner.push(index);
    }
  });
  const source = lines.join('\n');
  const options = {
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    types: [],
    lib: ['lib.es2022.d.ts'],
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
  };
  const host = ts.createCompilerHost(options);
  const { getSourceFile, fileExists, readFile } = host;
  host.getSourceFile = (name, language, ...rest) => (name === file ? ts.createSourceFile(name, source, language) : getSourceFile(name, language, ...rest));
  host.fileExists = (name) => name === file || fileExists(name);
  host.readFile = (name) => (name === file ? source : readFile(name));
  const program = ts.createProgram([file], options, host);
  return ts.getPreEmitDiagnostics(program).map((diagnostic) => {
    const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, ' ');
    if (diagnostic.file?.fileName !== file || diagnostic.start === undefined) return [0, `type-check: ${message}`];
    const { line } = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start);
    return line < header ? [0, `type-check: ${message}`] : [owner[line - header], `${lines[line].trim()} ${message}`];
  });
}
