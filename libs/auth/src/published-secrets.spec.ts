import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import { PUBLISHED_JWT_SECRETS } from './published-secrets';

const ROOT = join(__dirname, '..', '..', '..');
const SOURCE = new Set(['.ts', '.js', '.mjs', '.cjs']);

/** The repository's files as git sees them, committed or not (ignored ones excepted). */
function repositoryFiles(): string[] {
  const listed = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '-z'], { cwd: ROOT, encoding: 'utf8' });
  return listed.split('\0').filter((file) => file && !file.endsWith('package-lock.json') && !file.startsWith('node_modules'));
}

/**
 * Literal values given to JWT_SECRET (or a constant whose name ends in JWT_SECRET), as .env, YAML,
 * shell, Markdown and code write them. In code an unquoted value is an identifier, not a secret.
 */
export function jwtSecretLiterals(text: string, file: string): string[] {
  const code = SOURCE.has(extname(file));
  const found: string[] = [];
  const assignments = [
    ...text.matchAll(/JWT_SECRET["']?[ \t]*[:=][ \t]*(?:(["'`])(.*?)\1|([^\s"'`,;)}]+))/g),
    // Kubernetes and compose-style `name: JWT_SECRET` followed by `value: ...`, in YAML or in code.
    ...text.matchAll(/name["']?:\s*["']?JWT_SECRET["']?\s*,?\s*value["']?:\s*(?:(["'`])(.*?)\1|([^\s"'`,;)}]+))/g),
  ];
  for (const match of assignments) {
    const value = match[2] ?? (code ? undefined : match[3]);
    // A variable, a call, or the name of a key (JWT_SECRET: 'JWT_SECRET' maps a Secret's keys).
    if (!value || value.startsWith('$') || /^\w+\(/.test(value) || /^[A-Z][A-Z0-9_]*$/.test(value)) continue;
    found.push(value);
  }
  return found;
}

describe('JWT secrets published in the repository', () => {
  it('finds the literals it is meant to find, and ignores identifiers, variables and generated values', () => {
    expect(jwtSecretLiterals('JWT_SECRET=abc\nexport const X_JWT_SECRET = \'def\';\n  JWT_SECRET: "ghi"', '.env')).toEqual(['abc', 'def', 'ghi']);
    expect(jwtSecretLiterals("JWT_SECRET: 'jkl', JWT_SECRET: TEST_VALUE, JWT_SECRET: randomBytes(8)", 'a.ts')).toEqual(['jkl']);
    expect(jwtSecretLiterals('JWT_SECRET="$(openssl rand -base64 48)" JWT_SECRET: ${JWT_SECRET:?set} JWT_SECRET: "" JWT_SECRET: JWT_KEY', 'README.md')).toEqual(
      [],
    );
    expect(jwtSecretLiterals('- name: JWT_SECRET\n  value: mno\n', 'a.yaml')).toEqual(['mno']);
    expect(jwtSecretLiterals("env.push({ name: 'JWT_SECRET', value: 'pqr' })", 'a.ts')).toEqual(['pqr']);
  });

  it('refuses every value written for JWT_SECRET anywhere in the repository (docs, examples, compose, k8s, tests)', () => {
    const unlisted: string[] = [];
    let seen = 0;
    // This file's own examples above are not secrets.
    for (const file of repositoryFiles().filter((f) => f !== 'libs/auth/src/published-secrets.spec.ts')) {
      let text: string;
      try {
        text = readFileSync(join(ROOT, file), 'utf8');
      } catch {
        continue;
      }
      if (text.includes('\0')) continue;
      for (const value of jwtSecretLiterals(text, file)) {
        seen++;
        if (!PUBLISHED_JWT_SECRETS.includes(value)) unlisted.push(`${file}: ${value}`);
      }
    }
    expect(seen).toBeGreaterThan(0);
    expect(unlisted).toEqual([]);
  });
});
