import { ConfigError } from './env';
import { serviceConfig } from './service.config';

describe('TRUSTED_PROXIES', () => {
  const saved = process.env.TRUSTED_PROXIES;
  afterEach(() => {
    if (saved === undefined) delete process.env.TRUSTED_PROXIES;
    else process.env.TRUSTED_PROXIES = saved;
  });
  const load = (value?: string) => {
    if (value === undefined) delete process.env.TRUSTED_PROXIES;
    else process.env.TRUSTED_PROXIES = value;
    return serviceConfig().TRUSTED_PROXIES;
  };

  it('trusts the loopback gateway of npm start only, unless set', () => {
    expect(load()).toBe('loopback');
  });

  it('takes addresses, CIDR ranges and proxy-addr names', () => {
    expect(load('10.0.0.0/8, 192.0.2.7,fd00::/8 ,uniquelocal')).toBe('10.0.0.0/8, 192.0.2.7,fd00::/8 ,uniquelocal');
  });

  it.each(['true', '*', '1', 'gateway', '10.0.0.0/8;rm'])('refuses %s, which would trust anyone or nothing it names', (value) => {
    expect(() => load(value)).toThrow(ConfigError);
  });
});
