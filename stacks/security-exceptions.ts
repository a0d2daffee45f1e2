/**
 * The checkov/trivy rules DOFS deliberately does not follow, each with its reason: the one place the
 * security tests (test/infra/security.test.ts) read them from, and the list the README points to.
 */
export interface SecurityException {
  readonly rule: string;
  readonly title: string;
  readonly reason: string;
}

export const SECURITY_EXCEPTIONS: readonly SecurityException[] = [
  {
    rule: 'CKV_AWS_26',
    title: 'SNS topic encrypted at rest',
    reason: 'The alarm topic is published to by CloudWatch alarms, which the AWS-managed alias/aws/sns key does not allow (every notification would be dropped); a customer-managed key would cost $1/month per environment and KMS administration rights for the deploy role. The messages hold alarm names and metric values only; SNS encrypts them in transit (TLS).',
  },
  {
    rule: 'CKV_AWS_119',
    title: 'DynamoDB tables encrypted with a customer-managed KMS key',
    reason: 'Tables use the AWS-managed KMS key (server_side_encryption enabled): encrypted at rest, no key policy or per-request KMS cost to manage. Orders hold no regulated data.',
  },
  {
    rule: 'CKV_AWS_158',
    title: 'CloudWatch log groups encrypted with a customer-managed KMS key',
    reason: 'Log groups use CloudWatch Logs\' default encryption. Handlers log ids and outcomes, never order payloads (state machine logging excludes execution data).',
  },
  {
    rule: 'CKV_AWS_173',
    title: 'Lambda environment variables encrypted with a customer-managed KMS key',
    reason: 'The variables hold only resource names and ARNs (no secrets, checked by CKV_AWS_45); Lambda encrypts them with its AWS-managed key.',
  },
  {
    rule: 'CKV_AWS_115',
    title: 'Lambda reserved concurrency set',
    reason: 'Off by default so a new account\'s unreserved pool is not exhausted; set per function with DOFS_RESERVED_CONCURRENCY. The SQS event sources cap concurrency with maximum_concurrency instead.',
  },
  {
    rule: 'CKV_AWS_309',
    title: 'API Gateway routes require authorization',
    reason: 'The seed\'s API is public (curl POST /orders). A JWT authorizer (Cognito or any OIDC issuer) is one setting away: DOFS_JWT_ISSUER/DOFS_COGNITO_USER_POOL_ID + DOFS_JWT_AUDIENCE.',
  },
  {
    rule: 'CKV2_AWS_61',
    title: 'S3 bucket has a lifecycle configuration (state bucket)',
    reason: 'The Terraform state bucket keeps every state version on purpose: it is the history to recover a broken deployment from. The artifact bucket expires objects after 30 days.',
  },
  {
    rule: 'CKV_AWS_18',
    title: 'S3 access logging',
    reason: 'Access to the state and artifact buckets is recorded by CloudTrail (management events, and data events where the account enables them); a separate log bucket would need its own guards.',
  },
];
