import { ConfigError } from './config-error';
import { metricsConfig } from './metrics-config';

const token = 'f'.repeat(64);

describe('metricsConfig', () => {
  it('serves nothing by default', () => {
    expect(metricsConfig({}, 3000)).toEqual({ token: undefined });
  });

  it('takes a token and a separate port', () => {
    expect(metricsConfig({ METRICS_TOKEN: ` ${token} `, METRICS_PORT: '9464' }, 3000)).toEqual({
      token,
      port: 9464,
    });
  });

  it.each([
    [{ METRICS_TOKEN: 'short' }, 'METRICS_TOKEN'],
    [{ METRICS_TOKEN: `${token} ${token}` }, 'METRICS_TOKEN'],
    [{ METRICS_PORT: 'nine' }, 'METRICS_PORT'],
    [{ METRICS_PORT: '70000' }, 'METRICS_PORT'],
    [{ METRICS_PORT: '0' }, 'METRICS_PORT'],
    [{ METRICS_PORT: '3000' }, 'METRICS_PORT'],
  ])('refuses %j, naming %s', (env, variable) => {
    expect(() => metricsConfig(env, 3000)).toThrow(ConfigError);
    expect(() => metricsConfig(env, 3000)).toThrow(new RegExp(`^${variable}:`));
  });
});
