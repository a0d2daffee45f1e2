import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { LocalBackend, TerraformOutput, TerraformStack, TerraformVariable } from 'cdktf';
import type { Construct } from 'constructs';
import { PROJECT } from '../topology/names';
import { SecureBucket } from './secure-bucket';

/** The bootstrap's place in the stack names (dofs-bootstrap) and its Environment tag. */
export const BOOTSTRAP_ENVIRONMENT = 'bootstrap';

/**
 * One-time bootstrap of the remote-state bucket (the S3 backend's chicken-and-egg): this stack keeps
 * its own small state locally, and creates the versioned, encrypted, TLS-only bucket the other
 * stacks keep their state in.
 */
export class BootstrapStack extends TerraformStack {
  constructor(scope: Construct, id: string, { region }: { region: string }) {
    super(scope, id);
    new AwsProvider(this, 'aws', { region, defaultTags: [{ tags: { Project: PROJECT, Environment: BOOTSTRAP_ENVIRONMENT, ManagedBy: 'cdktf' } }] });
    new LocalBackend(this, { path: `../../../terraform.${id}.tfstate` });
    const name = new TerraformVariable(this, 'state_bucket', {
      type: 'string',
      description: 'Name of the bucket to create for Terraform state (globally unique)',
    });
    // Never expires and can't be destroyed with objects in it: it holds every stack's state history.
    const bucket = new SecureBucket(this, 'state', { bucket: name.stringValue }).bucket;
    new TerraformOutput(this, 'state_bucket_name', { value: bucket.bucket });
  }
}
