import { IsBoolean, IsInt, IsOptional, IsString, Matches, Max, Min } from 'class-validator';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, EnvBoolean, maskUrlPassword, validateEnv } from './env';

class SampleEnv {
  @IsInt({ message: 'PORT must be an integer' })
  @Min(1, { message: 'PORT must be an integer' })
  @Max(65535, { message: 'PORT must be an integer' })
  PORT: number = 3000;

  @EnvBoolean()
  @IsBoolean({ message: 'FLAG must be true or false' })
  FLAG: boolean = true;
}

class SecretEnv {
  @IsOptional()
  @IsString()
  JWT_SECRET?: string;

  @IsOptional()
  @Matches(/^postgres(ql)?:\/\/\S+$/, { message: 'DATABASE_URL must be a postgres:// or postgresql:// URL' })
  DATABASE_URL?: string;

  @IsOptional()
  @Matches(/^rediss?:\/\/\S+$/, { message: 'REDIS_URL must be a redis:// or rediss:// URL' })
  REDIS_URL?: string;
}

describe('validateEnv', () => {
  it('applies defaults and converts types', () => {
    expect(validateEnv(SampleEnv, {})).toMatchObject({ PORT: 3000, FLAG: true });
    expect(validateEnv(SampleEnv, { PORT: '8080', FLAG: 'false' })).toMatchObject({ PORT: 8080, FLAG: false });
  });

  it.each(['0', 'no', 'off', 'FALSE'])('reads %s as false', (value) => {
    expect(validateEnv(SampleEnv, { FLAG: value }).FLAG).toBe(false);
  });

  it('treats an empty variable as unset', () => {
    expect(validateEnv(SampleEnv, { PORT: '' }).PORT).toBe(3000);
  });

  it('names the variable, the rule and the value in one message', () => {
    expect(() => validateEnv(SampleEnv, { PORT: 'abc', FLAG: 'maybe' })).toThrow(ConfigError);
    expect(() => validateEnv(SampleEnv, { PORT: 'abc' })).toThrow('Invalid configuration: PORT must be an integer (got "abc")');
    expect(() => validateEnv(SampleEnv, { FLAG: 'maybe' })).toThrow('FLAG must be true or false (got "maybe")');
  });

  describe('secrets given as files (<NAME>_FILE)', () => {
    let dir: string;
    beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'env-secrets-'))));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));
    const file = (name: string, content: string) => {
      const path = join(dir, name);
      writeFileSync(path, content, { mode: 0o600 });
      return path;
    };

    it('reads JWT_SECRET_FILE, DATABASE_URL_FILE and REDIS_URL_FILE, without their trailing newline', () => {
      const secret = randomBytes(12).toString('hex');
      const env = validateEnv(SecretEnv, {
        JWT_SECRET_FILE: file('jwt', `${secret}\n`),
        DATABASE_URL_FILE: file('db', 'postgres://app:pw@db/app\n'),
        REDIS_URL_FILE: file('redis', 'redis://:pw@cache:6379'),
      });
      expect(env).toMatchObject({ JWT_SECRET: secret, DATABASE_URL: 'postgres://app:pw@db/app', REDIS_URL: 'redis://:pw@cache:6379' });
    });

    it('refuses both a variable and its file, an unreadable file and an empty one', () => {
      expect(() => validateEnv(SecretEnv, { JWT_SECRET: randomBytes(4).toString('hex'), JWT_SECRET_FILE: file('both', 'b') })).toThrow(
        'set JWT_SECRET or JWT_SECRET_FILE, not both',
      );
      expect(() => validateEnv(SecretEnv, { JWT_SECRET_FILE: join(dir, 'missing') })).toThrow(/JWT_SECRET_FILE names a file that cannot be read .*ENOENT/);
      expect(() => validateEnv(SecretEnv, { JWT_SECRET_FILE: file('empty', '\n') })).toThrow('JWT_SECRET_FILE names an empty file');
    });

    it('validates a value read from a file like one given directly, masking its password', () => {
      const run = () => validateEnv(SecretEnv, { DATABASE_URL_FILE: file('bad-db', 'mysql://app:file-password@db/app') });
      expect(run).toThrow('DATABASE_URL must be a postgres:// or postgresql:// URL (got "mysql://app:***@db/app")');
      expect(run).not.toThrow(/file-password/);
    });
  });

  describe("a URL's password never appears in a configuration error", () => {
    it.each([
      ['DATABASE_URL', 'mysql://app:s3cret-pw@db:5432/app'],
      ['DATABASE_URL', 'postgres://app:s3cret-pw@db:5432/app with a space'],
      ['DATABASE_URL', 'app:s3cret-pw@db:5432/app'],
      ['REDIS_URL', 'http://:s3cret-pw@cache:6379'],
      ['REDIS_URL', 'redis://default:s3cret-pw@with@at@cache:6379 x'],
    ])('%s=%s', (name, value) => {
      let message = '';
      try {
        validateEnv(SecretEnv, { [name]: value });
      } catch (error) {
        message = (error as Error).message;
      }
      expect(message).toContain(`${name} must be`);
      expect(message).not.toContain('s3cret');
    });

    it('keeps the rest of the URL, so the user can see what is wrong', () => {
      expect(maskUrlPassword('postgres://app:pw@db:5432/app')).toBe('postgres://app:***@db:5432/app');
      expect(maskUrlPassword('redis://cache:6379')).toBe('redis://cache:6379');
      expect(maskUrlPassword('postgres://app@db/app')).toBe('postgres://app@db/app');
    });
  });
});
