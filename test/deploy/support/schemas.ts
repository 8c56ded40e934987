import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { K8sObject, label } from './manifests';

/**
 * The problems of each object against the Kubernetes API schemas (kubernetes-models), unknown kinds
 * and unknown fields included: see validate-manifests.mjs, which runs in a Node process of its own.
 */
export function schemaProblems(objects: unknown[]): string[] {
  const output = execFileSync(process.execPath, [join(__dirname, 'validate-manifests.mjs')], {
    input: JSON.stringify(objects),
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  const perObject = JSON.parse(output) as string[][];
  return perObject.flatMap((problems, index) => problems.map((problem) => `${name(objects[index])}: ${problem}`));
}

function name(object: unknown): string {
  const candidate = object as Partial<K8sObject> | null;
  return candidate?.kind && candidate.metadata?.name ? label(candidate as K8sObject) : JSON.stringify(object).slice(0, 80);
}
