import { DataAwsIamPolicyDocument } from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { S3BucketLifecycleConfiguration } from '@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration';
import { S3BucketOwnershipControls } from '@cdktf/provider-aws/lib/s3-bucket-ownership-controls';
import { S3BucketPolicy } from '@cdktf/provider-aws/lib/s3-bucket-policy';
import { S3BucketPublicAccessBlock } from '@cdktf/provider-aws/lib/s3-bucket-public-access-block';
import { S3BucketServerSideEncryptionConfigurationA } from '@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration';
import { S3BucketVersioningA } from '@cdktf/provider-aws/lib/s3-bucket-versioning';
import { Construct } from 'constructs';

export interface SecureBucketOptions {
  readonly bucket: string;
  /** A customer-managed KMS key for SSE-KMS; the AWS-managed key (aws/s3) when absent. */
  readonly kmsKeyArn?: string | undefined;
  /** Expire objects (and old versions) after this many days; keep forever when absent. */
  readonly expireAfterDays?: number | undefined;
  readonly forceDestroy?: boolean;
}

/**
 * An S3 bucket with every guard on: versioning, KMS encryption, all public access blocked,
 * bucket-owner ownership (no ACLs), a policy refusing anything but TLS, and optional expiry.
 */
export class SecureBucket extends Construct {
  readonly bucket: S3Bucket;

  constructor(scope: Construct, id: string, options: SecureBucketOptions) {
    super(scope, id);
    this.bucket = new S3Bucket(this, 'bucket', { bucket: options.bucket, forceDestroy: options.forceDestroy ?? false });
    const bucket = this.bucket.id;
    new S3BucketVersioningA(this, 'versioning', { bucket, versioningConfiguration: { status: 'Enabled' } });
    new S3BucketServerSideEncryptionConfigurationA(this, 'encryption', {
      bucket,
      rule: [
        {
          applyServerSideEncryptionByDefault: {
            sseAlgorithm: 'aws:kms',
            ...(options.kmsKeyArn ? { kmsMasterKeyId: options.kmsKeyArn } : {}),
          },
          bucketKeyEnabled: true,
        },
      ],
    });
    const publicAccess = new S3BucketPublicAccessBlock(this, 'public_access', {
      bucket,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });
    new S3BucketOwnershipControls(this, 'ownership', { bucket, rule: { objectOwnership: 'BucketOwnerEnforced' } });
    const tlsOnly = new DataAwsIamPolicyDocument(this, 'tls_only', {
      statement: [
        {
          sid: 'DenyInsecureTransport',
          effect: 'Deny',
          actions: ['s3:*'],
          principals: [{ type: '*', identifiers: ['*'] }],
          resources: [this.bucket.arn, `${this.bucket.arn}/*`],
          condition: [{ test: 'Bool', variable: 'aws:SecureTransport', values: ['false'] }],
        },
      ],
    });
    // After the public access block, or S3 may refuse the policy while the bucket is being set up.
    new S3BucketPolicy(this, 'policy', { bucket, policy: tlsOnly.json, dependsOn: [publicAccess] });
    if (options.expireAfterDays) {
      new S3BucketLifecycleConfiguration(this, 'lifecycle', {
        bucket,
        rule: [
          {
            id: 'expire',
            status: 'Enabled',
            filter: [{ prefix: '' }],
            expiration: [{ days: options.expireAfterDays }],
            noncurrentVersionExpiration: [{ noncurrentDays: options.expireAfterDays }],
            abortIncompleteMultipartUpload: [{ daysAfterInitiation: 1 }],
          },
        ],
      });
    }
  }
}
