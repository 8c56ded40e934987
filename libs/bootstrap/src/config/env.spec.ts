import { IsBoolean, IsInt, Max, Min } from 'class-validator';
import { ConfigError, EnvBoolean, validateEnv } from './env';

class SampleEnv {
  @IsInt({ message: 'PORT must be an integer' })
  @Min(1, { message: 'PORT must be an integer' })
  @Max(65535, { message: 'PORT must be an integer' })
  PORT: number = 3000;

  @EnvBoolean()
  @IsBoolean({ message: 'FLAG must be true or false' })
  FLAG: boolean = true;
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
});
