import { ConfigError } from './config-error';
import { s3StorageConfig } from './storage-config';

describe('s3StorageConfig', () => {
  it('is unset without STORAGE_URL: local disk stays the default', () => {
    expect(s3StorageConfig({})).toBeUndefined();
  });

  it('reads bucket, prefix, endpoint, region, path style and the key pair', () => {
    expect(
      s3StorageConfig({
        STORAGE_URL: 's3://salt-photos/trial-a/photos/',
        S3_ENDPOINT: 'http://minio:9000',
        AWS_ACCESS_KEY_ID: 'id',
        AWS_SECRET_ACCESS_KEY: 'secret',
      }),
    ).toEqual({
      bucket: 'salt-photos',
      prefix: 'trial-a/photos',
      endpoint: 'http://minio:9000',
      region: 'us-east-1',
      forcePathStyle: true,
      credentials: { accessKeyId: 'id', secretAccessKey: 'secret' },
    });
    expect(s3StorageConfig({ STORAGE_URL: 's3://salt-photos', S3_REGION: 'eu-west-3' })).toEqual({
      bucket: 'salt-photos',
      prefix: '',
      endpoint: undefined,
      region: 'eu-west-3',
      forcePathStyle: false,
      credentials: undefined,
    });
  });

  it.each([
    [{ STORAGE_URL: '/var/photos' }, 'STORAGE_URL'],
    [{ STORAGE_URL: 'https://bucket/x' }, 'STORAGE_URL'],
    [{ STORAGE_URL: 's3://Bad_Bucket/x' }, 'STORAGE_URL'],
    [{ STORAGE_URL: 's3://bucket/../x' }, 'STORAGE_URL'],
    [{ STORAGE_URL: 's3://bucket', S3_ENDPOINT: 'minio:9000' }, 'S3_ENDPOINT'],
    [{ STORAGE_URL: 's3://bucket', S3_FORCE_PATH_STYLE: 'maybe' }, 'S3_FORCE_PATH_STYLE'],
    [{ STORAGE_URL: 's3://bucket', AWS_ACCESS_KEY_ID: 'id' }, 'AWS_SECRET_ACCESS_KEY'],
    [{ STORAGE_URL: 's3://bucket', AWS_SECRET_ACCESS_KEY: 'secret' }, 'AWS_ACCESS_KEY_ID'],
    [{ S3_ENDPOINT: 'http://minio:9000' }, 'S3_ENDPOINT'],
  ])('refuses %j, naming %s in one line', (env, variable) => {
    let thrown: unknown;
    try {
      s3StorageConfig(env);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ConfigError);
    expect((thrown as ConfigError).variable).toBe(variable);
    expect((thrown as Error).message).not.toContain('\n');
    // A secret never appears in the message.
    expect((thrown as Error).message).not.toContain('secret');
  });
});
