import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ERROR_CODES } from './error-codes';

const ROOT = join(__dirname, '..', '..', '..');
const LITERAL_CODE = /'([A-Z][A-Z_]*\.[A-Z][A-Z_]*|FST_[A-Z_]+)'/g;
const NOT_FOUND = /new NotFoundError\('(\w+)'\)/g;
// A code put together at run time (`USER.${field}_TAKEN`) could not be seen here: codes are written out whole.
const ASSEMBLED = /`[^`\n]*(?:\b[A-Z][A-Z_]*\.\$\{|\}\.[A-Z][A-Z_]*`)/g;
// NotFoundError's own template, whose codes are read from its callers above.
const NOT_FOUND_TEMPLATE = { file: 'libs/errors/src/domain-error.ts', text: '`${resource.toUpperCase()}.NOT_FOUND`' };

/** The sources of every app and lib but this one (its catalog and generated types), tests excluded. */
function sources(): { file: string; text: string }[] {
  return ['apps', 'libs'].flatMap((top) =>
    readdirSync(join(ROOT, top), { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile() && entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts'))
      .map((entry) => relative(ROOT, join(entry.parentPath, entry.name)))
      .filter((file) => /^(apps|libs)\/[^/]+\/src\//.test(file) && !file.startsWith('libs/contracts/'))
      .map((file) => ({ file, text: readFileSync(join(ROOT, file), 'utf8') })),
  );
}

function codesInSource(): Map<string, string[]> {
  const used = new Map<string, string[]>();
  const add = (code: string, file: string) => used.set(code, [...(used.get(code) ?? []), file]);
  for (const { file, text } of sources()) {
    for (const [, code] of text.matchAll(LITERAL_CODE)) add(code, file);
    for (const [, resource] of text.matchAll(NOT_FOUND)) add(`${resource.toUpperCase()}.NOT_FOUND`, file);
  }
  return used;
}

const ADD_IT = 'Add each to libs/contracts/src/error-codes.ts with its status and a one-line meaning, then run `npm run openapi:write` (docs/error-codes.md).';

describe('the error-code catalog', () => {
  const used = codesInSource();

  it('finds the codes in the source (the scan itself works)', () => {
    expect([...used.keys()]).toEqual(
      expect.arrayContaining(['VALIDATION.FAILED', 'AUTH.TOKEN_EXPIRED', 'USER.NOT_FOUND', 'PAYMENT.NOT_FOUND', 'FST_ERR_BAD_URL']),
    );
  });

  it('lists every code the services can answer with', () => {
    const missing = [...used].filter(([code]) => !(code in ERROR_CODES)).map(([code, files]) => `${code} (${[...new Set(files)].join(', ')})`);
    if (missing.length) throw new Error(`Codes used in the source but missing from the catalog:\n  ${missing.join('\n  ')}\n${ADD_IT}`);
  });

  it('lists no code that the source no longer uses', () => {
    expect(Object.keys(ERROR_CODES).filter((code) => !used.has(code))).toEqual([]);
  });

  it('sees every code written out whole, never put together at run time', () => {
    const assembled = sources().flatMap(({ file, text }) =>
      [...text.matchAll(ASSEMBLED)]
        .map(([match]) => match)
        .filter((match) => !(file === NOT_FOUND_TEMPLATE.file && match.includes(NOT_FOUND_TEMPLATE.text)))
        .map((match) => `${file}: ${match}`),
    );
    expect(assembled).toEqual([]);
  });
});
