import { NoSuchBucket, S3ServiceException } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import type { S3Config } from '../../../src/server/config';
import { explainS3Error, s3ClientSettings } from '../../../src/server/lib/s3-evidence-store';
import { filesConfigFromEnv } from '../../../src/server/runtime';

const s3Of = (env: Record<string, string>) =>
  filesConfigFromEnv({ FILES_STORE: 's3', S3_BUCKET: 'bukti', ...env }).s3 as S3Config;

describe('the S3 client an operator configures', () => {
  it('sends checksums only when required to an S3-compatible endpoint, path-style, with the given keys and bounded waits', () => {
    const cfg = s3Of({
      S3_ENDPOINT: 'http://minio.internal:9000',
      S3_FORCE_PATH_STYLE: '1',
      S3_ACCESS_KEY_ID: 'kunci',
      S3_SECRET_ACCESS_KEY: 'rahasia',
      S3_PREFIX: 'telusur/',
    });
    expect(s3ClientSettings(cfg)).toEqual({
      region: 'us-east-1',
      endpoint: 'http://minio.internal:9000',
      forcePathStyle: true,
      credentials: { accessKeyId: 'kunci', secretAccessKey: 'rahasia' },
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
      maxAttempts: 3,
      requestHandler: { connectionTimeout: 5000, requestTimeout: 30_000 },
    });
  });

  it('follows S3_CHECKSUMS, and leaves AWS itself (no endpoint) on the SDK default with its own credential chain', () => {
    const aws = s3ClientSettings(s3Of({ S3_REGION: 'ap-southeast-3' }));
    expect(aws).toMatchObject({
      region: 'ap-southeast-3',
      requestChecksumCalculation: 'WHEN_SUPPORTED',
    });
    expect(aws).not.toHaveProperty('endpoint');
    expect(aws).not.toHaveProperty('credentials');
    expect(
      s3ClientSettings(s3Of({ S3_ENDPOINT: 'http://x:9000', S3_CHECKSUMS: 'when_supported' }))
        .requestChecksumCalculation,
    ).toBe('WHEN_SUPPORTED');
  });
});

describe('what an S3 failure tells the operator', () => {
  const cfg = s3Of({ S3_ENDPOINT: 'http://minio.internal:9000' });

  it('names the setting to check, in Indonesian and English', () => {
    const meta = (httpStatusCode: number) => ({
      $metadata: { httpStatusCode },
      $fault: 'client' as const,
    });
    expect(explainS3Error(new NoSuchBucket({ message: 'no', ...meta(404) }), cfg)).toBe(
      'bucket S3_BUCKET="bukti" tidak ada di S3_ENDPOINT=http://minio.internal:9000 / bucket S3_BUCKET="bukti" does not exist at S3_ENDPOINT=http://minio.internal:9000',
    );
    const denied = new S3ServiceException({
      name: 'AccessDenied',
      message: 'Access Denied',
      ...meta(403),
    });
    expect(explainS3Error(denied, cfg)).toMatch(
      /^S3 menolak akses ke bucket "bukti" \(AccessDenied\): periksa S3_ACCESS_KEY_ID dan S3_SECRET_ACCESS_KEY \/ S3 refused access .* check S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY$/,
    );
    const timeout = Object.assign(new Error('connect timed out'), { name: 'TimeoutError' });
    expect(explainS3Error(timeout, cfg)).toMatch(
      /S3_ENDPOINT=http:\/\/minio\.internal:9000 tidak dapat dihubungi \(TimeoutError\).* cannot be reached \(TimeoutError\)/,
    );
    const slow = new S3ServiceException({
      name: 'SlowDown',
      message: 'Please reduce your request rate.',
      $metadata: { httpStatusCode: 503 },
      $fault: 'server',
    });
    expect(explainS3Error(slow, cfg)).toBe(
      'S3 menjawab / S3 answered SlowDown (HTTP 503): Please reduce your request rate.',
    );
  });
});
