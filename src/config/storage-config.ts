import { ConfigError } from './config-error';

type Env = Record<string, string | undefined>;

/** An S3-compatible bucket (MinIO, Ceph RGW, AWS S3); see docs/operations.md. */
export interface S3StorageConfig {
  bucket: string;
  /** Object keys start with `<prefix>/`; '' for the bucket's root. */
  prefix: string;
  endpoint?: string;
  region: string;
  forcePathStyle: boolean;
  /** Unset: the AWS SDK's default chain (instance role, web identity, shared profile…). */
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
}

const S3_ONLY = ['S3_ENDPOINT', 'S3_REGION', 'S3_FORCE_PATH_STYLE'];

function optional(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value ? value : undefined;
}

function endpointOf(env: Env): string | undefined {
  const raw = optional(env, 'S3_ENDPOINT');
  if (raw === undefined) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new ConfigError('S3_ENDPOINT', 'is not a valid URL such as http://minio:9000');
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new ConfigError('S3_ENDPOINT', 'must start with http:// or https://');
  }
  return raw;
}

function forcePathStyle(env: Env, fallback: boolean): boolean {
  const raw = optional(env, 'S3_FORCE_PATH_STYLE')?.toLowerCase();
  if (raw === undefined) return fallback;
  if (['true', '1', 'yes'].includes(raw)) return true;
  if (['false', '0', 'no'].includes(raw)) return false;
  throw new ConfigError('S3_FORCE_PATH_STYLE', `must be true or false, got "${raw}"`);
}

/**
 * STORAGE_URL=s3://bucket/prefix and its companions; undefined for local disk (the default,
 * STORAGE_DIR). Credentials are the AWS SDK's usual AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY.
 */
export function s3StorageConfig(env: Env): S3StorageConfig | undefined {
  const raw = optional(env, 'STORAGE_URL');
  if (raw === undefined) {
    const stray = S3_ONLY.find((name) => optional(env, name) !== undefined);
    if (stray) throw new ConfigError(stray, 'is set but STORAGE_URL is not an s3:// URL');
    return undefined;
  }
  const match = /^s3:\/\/([^/]+)(?:\/(.*))?$/.exec(raw);
  if (!match) {
    throw new ConfigError('STORAGE_URL', 'must look like s3://bucket/prefix (unset: STORAGE_DIR)');
  }
  const [, bucket, rawPrefix = ''] = match;
  if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket)) {
    throw new ConfigError('STORAGE_URL', `"${bucket}" is not a valid S3 bucket name`);
  }
  const prefix = rawPrefix.replace(/\/+$/, '');
  if (prefix && !/^[A-Za-z0-9_-]+(\/[A-Za-z0-9_-]+)*$/.test(prefix)) {
    throw new ConfigError('STORAGE_URL', 'the prefix may hold only letters, digits, _ - and /');
  }
  const endpoint = endpointOf(env);
  const accessKeyId = optional(env, 'AWS_ACCESS_KEY_ID');
  const secretAccessKey = optional(env, 'AWS_SECRET_ACCESS_KEY');
  if (!accessKeyId !== !secretAccessKey) {
    throw new ConfigError(
      accessKeyId ? 'AWS_SECRET_ACCESS_KEY' : 'AWS_ACCESS_KEY_ID',
      'must be set together with the other half of the key pair',
    );
  }
  const sessionToken = optional(env, 'AWS_SESSION_TOKEN');
  return {
    bucket,
    prefix,
    endpoint,
    region: optional(env, 'S3_REGION') ?? 'us-east-1',
    // MinIO and Ceph RGW are usually addressed by path; AWS by virtual host.
    forcePathStyle: forcePathStyle(env, endpoint !== undefined),
    credentials:
      accessKeyId && secretAccessKey
        ? { accessKeyId, secretAccessKey, ...(sessionToken && { sessionToken }) }
        : undefined,
  };
}
