import * as v from 'valibot';
import type { EnvReader } from '../topology/env';

/**
 * What the application stacks and the pipeline read alike at synth: one configuration, one heading on its
 * errors, one reading of the region, and the variable names the pipeline sets for the stacks it deploys.
 */
export const CONFIGURATION_HEADING = 'invalid DOFS configuration';

export const DEFAULT_REGION = 'us-east-1';

/** A region's shape (us-east-1, ap-southeast-2, us-gov-west-1), not the list: new regions keep opening. */
export const AwsRegionSchema = v.pipe(v.string(), v.regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'must be an AWS region such as us-east-1'));

/** DOFS_REGION, else AWS_REGION (what the AWS CLI and SDKs read), else us-east-1; a problem names the variable it came from. */
export function readRegion(reader: EnvReader): string {
  const name = reader.text('DOFS_REGION') === undefined ? 'AWS_REGION' : 'DOFS_REGION';
  // A wrong region is recorded as a problem; the text goes on being used so the other checks still run.
  return reader.parse(name, AwsRegionSchema) ?? reader.text(name) ?? DEFAULT_REGION;
}

/** The variable naming one environment's permissions boundary: DOFS_PERMISSIONS_BOUNDARY_ARN_DEV. */
export const boundaryVariable = (environment: string) => `DOFS_PERMISSIONS_BOUNDARY_ARN_${environment.toUpperCase()}`;
