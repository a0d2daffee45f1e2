import { CONFIGURATION_HEADING, readRegion } from '../platform/settings';
import { readStateLocation, type StateLocation } from '../platform/state-backend';
import { readEnv, type Env } from '../topology/env';

/** The CI/CD stack's synth-time settings (DOFS_PIPELINE_*); repository and bucket are Terraform variables. */
export type SourceMode = 'connection' | 'token';

export interface CicdConfig {
  /** Read as the application stacks read it (platform/settings.ts): the pipeline deploys them there. */
  readonly region: string;
  /** connection: a CodeStar connection (recommended); token: the seed's GitHub personal access token. */
  readonly source: SourceMode;
  /** Adds the manual approval and the prod deployment after dev. */
  readonly prodStage: boolean;
  readonly logRetentionDays: number;
  readonly artifactExpiryDays: number;
  /**
   * The pipeline's own state: S3 (in the state bucket) when a bucket is given, local otherwise. Its key
   * prefix (DOFS_STATE_KEY_PREFIX) is every deployed stack's too: the CI roles reach only those keys.
   */
  readonly state: StateLocation;
}

export function loadCicdConfig(env: Env = process.env): CicdConfig {
  return readEnv(
    env,
    (reader): CicdConfig => {
      const source = reader.oneOf('DOFS_PIPELINE_SOURCE', ['connection', 'token'], 'connection');
      const prodStage = reader.flag('DOFS_PIPELINE_PROD', false);
      const region = readRegion(reader);
      return { region, source, prodStage, logRetentionDays: 30, artifactExpiryDays: 30, state: readStateLocation(reader, region) };
    },
    CONFIGURATION_HEADING,
  );
}
