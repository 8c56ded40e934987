import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..', '..');

/** scripts/openapi.js, the writer itself, so that what is checked is exactly what `npm run openapi:write` writes. */
function openapiScript(flag: '--check' | '--lint'): { status: number | null; output: string } {
  const result = spawnSync(process.execPath, [join(ROOT, 'scripts', 'openapi.js'), flag], { cwd: ROOT, encoding: 'utf8', timeout: 110_000 });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

describe('the contracts in libs/contracts', () => {
  it('are what the services serve now: OpenAPI documents, the types generated from them and the error-code table', () => {
    const { status, output } = openapiScript('--check');
    if (status !== 0) throw new Error(output);
    expect(output).toContain('match the code');
  }, 120_000);

  it('pass redocly lint with the recommended rules, without one error or warning', () => {
    const { status, output } = openapiScript('--lint');
    if (status !== 0)
      throw new Error(`${output}\nFix the finding where the document comes from (controllers, DTOs, libs/openapi/src), then run \`npm run openapi:write\`.`);
    expect(output).toMatch(/0 error\(s\), 0 warning\(s\)/);
  }, 120_000);
});
