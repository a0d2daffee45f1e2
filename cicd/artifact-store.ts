import { KmsAlias } from '@cdktf/provider-aws/lib/kms-alias';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import type { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import type { Construct } from 'constructs';
import { StackConcern } from './concern';
import { SecureBucket } from './secure-bucket';

export interface ArtifactStoreOptions {
  readonly keyAlias: string;
  /** Globally unique: the pipeline names it by its account and region. */
  readonly bucketName: string;
  readonly expireAfterDays: number;
}

/**
 * Where the pipeline hands artifacts from stage to stage and the builds keep their output: a bucket with
 * every guard on (SecureBucket), encrypted with the pipeline's own rotated KMS key, expiring what it holds.
 */
export class ArtifactStore extends StackConcern {
  readonly key: KmsKey;
  readonly bucket: S3Bucket;

  constructor(scope: Construct, id: string, options: ArtifactStoreOptions) {
    super(scope, id);
    this.key = new KmsKey(this, 'artifact_key', { description: 'DOFS pipeline artifacts and build output', enableKeyRotation: true, deletionWindowInDays: 7 });
    new KmsAlias(this, 'artifact_key_alias', { name: options.keyAlias, targetKeyId: this.key.keyId });
    this.bucket = new SecureBucket(this, 'artifacts', {
      bucket: options.bucketName,
      kmsKeyArn: this.key.arn,
      expireAfterDays: options.expireAfterDays,
      forceDestroy: true,
    }).bucket;
  }
}
