import { LocalBackend, S3Backend, type TerraformStack } from 'cdktf';
import * as v from 'valibot';
import type { EnvReader } from '../topology/env';
import { PROJECT } from '../topology/names';
import { AwsRegionSchema } from './settings';

/** Where one stack's remote state is: the S3 backend's bucket, region and key prefix. */
export interface StateBackendConfig {
  readonly bucket: string;
  readonly region: string;
  readonly keyPrefix: string;
}

/**
 * DOFS_STATE_*: where every stack keeps its Terraform state. Without a bucket the stacks keep local
 * state; the key prefix still decides which state keys the pipeline's roles may reach.
 */
export interface StateLocation {
  readonly bucket: string | undefined;
  readonly region: string;
  readonly keyPrefix: string;
}

const BUCKET_NAME = v.pipe(v.string(), v.regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'must be an S3 bucket name'));

// The prefix ends up in the CI roles' IAM resources: `*`, `?` or `${` there would widen what they reach.
const KEY_PREFIX = v.pipe(
  v.string(),
  v.regex(/^[A-Za-z0-9_.-]+(\/[A-Za-z0-9_.-]+)*$/, 'must be path segments of letters, digits, ".", "_" and "-" joined by "/"'),
);

/** DOFS_STATE_BUCKET, DOFS_STATE_REGION (the stacks' region by default) and DOFS_STATE_KEY_PREFIX (the project's name by default). */
export function readStateLocation(reader: EnvReader, region: string): StateLocation {
  return {
    bucket: reader.parse('DOFS_STATE_BUCKET', BUCKET_NAME),
    region: reader.parse('DOFS_STATE_REGION', AwsRegionSchema) ?? region,
    keyPrefix: reader.parse('DOFS_STATE_KEY_PREFIX', KEY_PREFIX) ?? PROJECT,
  };
}

/** The S3 backend of a location with a bucket; undefined (local state) without one. */
export function remoteBackend(location: StateLocation): StateBackendConfig | undefined {
  return location.bucket ? { bucket: location.bucket, region: location.region, keyPrefix: location.keyPrefix } : undefined;
}

/** The remote-state key of one stack, e.g. dofs/dofs-dev/terraform.tfstate. */
export function stateKey(keyPrefix: string, stackName: string): string {
  return `${keyPrefix}/${stackName}/terraform.tfstate`;
}

/**
 * Configures the S3 backend when a state bucket is given (the seed's backend.tf step), with Terraform's
 * native S3 locking; otherwise local state in the project directory, by a path that travels with it.
 */
export function configureBackend(stack: TerraformStack, stackName: string, backend: StateBackendConfig | undefined): void {
  if (!backend) {
    // Relative to cdktf.out/stacks/<stack>, where Terraform runs: the project root.
    new LocalBackend(stack, { path: `../../../terraform.${stackName}.tfstate` });
    return;
  }
  new S3Backend(stack, { bucket: backend.bucket, key: stateKey(backend.keyPrefix, stackName), region: backend.region, encrypt: true });
  // cdktf 0.21's S3Backend predates `use_lockfile` (Terraform >= 1.10); DynamoDB locking is deprecated.
  stack.addOverride('terraform.backend.s3.use_lockfile', true);
}
