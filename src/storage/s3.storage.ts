import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  paginateListObjectsV2,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { OnApplicationShutdown } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { S3StorageConfig } from '../config/storage-config';
import {
  assertStorageKey,
  isStorageKey,
  OpenedObject,
  PhotoStorage,
  StorageObjectMissing,
  StoredObject,
} from './photo-storage';

/** NoSuchKey from GET, a bare 404 from HEAD (which has no body to name the error). */
function isMissing(error: unknown): boolean {
  if (!(error instanceof S3ServiceException)) return false;
  return (
    error.name === 'NoSuchKey' ||
    error.name === 'NotFound' ||
    error.$metadata.httpStatusCode === 404
  );
}

export function s3Client(config: S3StorageConfig): S3Client {
  return new S3Client({
    region: config.region,
    endpoint: config.endpoint,
    forcePathStyle: config.forcePathStyle,
    credentials: config.credentials,
    // MinIO, Ceph RGW and older S3-compatible servers do not all speak the flexible checksums
    // that newer SDKs send by default; Content-MD5 on every put still guards the bytes.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    maxAttempts: 3,
  });
}

/**
 * Photos as objects in an S3-compatible bucket (MinIO, Ceph RGW, AWS S3), one object per key
 * under the configured prefix: `<prefix>/originals/…`, `<prefix>/renditions/…`,
 * `<prefix>/imports/…`. Originals keep their own prefix so a bucket policy can restrict them
 * (docs/operations.md). Nothing here makes presigned URLs: every image a reader sees streams
 * through the API, which checks the task first.
 */
export class S3Storage implements PhotoStorage, OnApplicationShutdown {
  private readonly client: S3Client;
  private readonly bucket: string;
  private readonly prefix: string;

  constructor(config: S3StorageConfig) {
    this.client = s3Client(config);
    this.bucket = config.bucket;
    this.prefix = config.prefix ? `${config.prefix}/` : '';
  }

  private objectKey(key: string): string {
    assertStorageKey(key);
    return this.prefix + key;
  }

  /** One PUT is atomic in S3: readers see the old state or the whole new object. */
  async put(key: string, bytes: Buffer): Promise<void> {
    await this.client.send(
      new PutObjectCommand({
        Bucket: this.bucket,
        Key: this.objectKey(key),
        Body: bytes,
        ContentLength: bytes.length,
        ContentMD5: createHash('md5').update(bytes).digest('base64'),
        ContentType: 'application/octet-stream',
      }),
    );
  }

  async get(key: string): Promise<Buffer> {
    const { body } = await this.open(key);
    const chunks: Buffer[] = [];
    for await (const chunk of body) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  }

  async open(key: string, signal?: AbortSignal): Promise<OpenedObject> {
    try {
      const response = await this.client.send(
        new GetObjectCommand({ Bucket: this.bucket, Key: this.objectKey(key) }),
        { abortSignal: signal },
      );
      if (!(response.Body instanceof Readable)) {
        throw new Error('the S3 client returned no readable body');
      }
      return { body: response.Body, size: response.ContentLength ?? 0 };
    } catch (error) {
      if (isMissing(error)) throw new StorageObjectMissing(key);
      throw error;
    }
  }

  async stat(key: string): Promise<{ size: number } | null> {
    try {
      const head = await this.client.send(
        new HeadObjectCommand({ Bucket: this.bucket, Key: this.objectKey(key) }),
      );
      return { size: head.ContentLength ?? 0 };
    } catch (error) {
      if (isMissing(error)) return null;
      throw error;
    }
  }

  /** S3 answers 204 for a missing key too, so deleting twice is not an error. */
  async delete(key: string): Promise<void> {
    await this.client.send(
      new DeleteObjectCommand({ Bucket: this.bucket, Key: this.objectKey(key) }),
    );
  }

  async *list(): AsyncIterable<StoredObject> {
    const pages = paginateListObjectsV2(
      { client: this.client, pageSize: 1000 },
      { Bucket: this.bucket, Prefix: this.prefix },
    );
    for await (const page of pages) {
      for (const object of page.Contents ?? []) {
        if (!object.Key?.startsWith(this.prefix) || !object.LastModified) continue;
        const key = object.Key.slice(this.prefix.length);
        if (!isStorageKey(key)) continue;
        yield { key, size: object.Size ?? 0, lastModified: object.LastModified };
      }
    }
  }

  async probe(): Promise<void> {
    await this.client.send(new HeadBucketCommand({ Bucket: this.bucket }));
  }

  onApplicationShutdown(): void {
    this.client.destroy();
  }
}
