import { ConfigurationError } from '../stacks/config';

/** The CI/CD stack's synth-time settings (DOFS_PIPELINE_*); repository and bucket are Terraform variables. */
export type SourceMode = 'connection' | 'token';

export interface CicdConfig {
  readonly region: string;
  /** connection: a CodeStar connection (recommended); token: the seed's GitHub personal access token. */
  readonly source: SourceMode;
  /** Adds the manual approval and the prod deployment after dev. */
  readonly prodStage: boolean;
  readonly logRetentionDays: number;
  readonly artifactExpiryDays: number;
  /** The pipeline's own state: S3 (in the state bucket) when given, local otherwise. */
  readonly stateBucket: string | undefined;
  readonly stateRegion: string | undefined;
  /** Prefix of every stack's state key (DOFS_STATE_KEY_PREFIX): the CI roles reach only those keys. */
  readonly stateKeyPrefix: string;
}

export function loadCicdConfig(env: Readonly<Record<string, string | undefined>> = process.env): CicdConfig {
  const problems: string[] = [];
  const source = env.DOFS_PIPELINE_SOURCE?.trim() || 'connection';
  if (source !== 'connection' && source !== 'token') problems.push(`DOFS_PIPELINE_SOURCE must be "connection" or "token" (got "${source}")`);
  const prod = env.DOFS_PIPELINE_PROD?.trim() || 'false';
  if (prod !== 'true' && prod !== 'false') problems.push(`DOFS_PIPELINE_PROD must be "true" or "false" (got "${prod}")`);
  if (problems.length > 0) throw new ConfigurationError(problems);
  const region = env.DOFS_REGION?.trim() || env.AWS_REGION?.trim() || 'us-east-1';
  return {
    region,
    source: source as SourceMode, // checked above: anything else is a problem thrown
    prodStage: prod === 'true',
    logRetentionDays: 30,
    artifactExpiryDays: 30,
    stateBucket: env.DOFS_STATE_BUCKET?.trim() || undefined,
    stateRegion: env.DOFS_STATE_REGION?.trim() || undefined,
    stateKeyPrefix: env.DOFS_STATE_KEY_PREFIX?.trim() || 'dofs',
  };
}
