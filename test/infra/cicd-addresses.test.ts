import { TerraformVariable, Testing } from 'cdktf';
import { buildApp } from '../../app/build-app';
import { ConcernStack, DuplicateLogicalIdError, StackConcern } from '../../cicd/concern';
import type { TerraformJson } from '../support/synth';

const addressesOf = (env: Record<string, string>) => {
  const json = JSON.parse(Testing.synth(buildApp({ env }).cicd)) as TerraformJson;
  const of = (prefix: string, blocks: TerraformJson['resource']) =>
    Object.entries(blocks).flatMap(([type, items]) => Object.keys(items).map((id) => `${prefix}${type}.${id}`));
  return [...of('', json.resource), ...of('data.', json.data ?? {})].sort();
};

/** Shared by both variants: the artifact store, the build, dev's deploy and boundary, and the pipeline. */
const COMMON = [
  'aws_cloudwatch_log_group.build_logs_A16560CF',
  'aws_cloudwatch_log_group.deploy_dofs_dev_logs_E03339B0',
  'aws_codebuild_project.build_project_3983C723',
  'aws_codebuild_project.deploy_dofs_dev_project_B9B6B2DE',
  'aws_codepipeline.pipeline',
  'aws_iam_policy.boundary_dev',
  'aws_iam_role.build_service_role_E6D09F21',
  'aws_iam_role.deploy_dofs_dev_service_role_10CC83C6',
  'aws_iam_role.pipeline_role_6EBFF623',
  'aws_iam_role_policy.build_service_policy_271D4D34',
  'aws_iam_role_policy.deploy_dofs_dev_service_policy_26ED722E',
  'aws_iam_role_policy.pipeline_role_policy_ED6A6CDD',
  'aws_kms_alias.artifact_key_alias',
  'aws_kms_key.artifact_key',
  'aws_s3_bucket.artifacts_bucket_A41425E9',
  'aws_s3_bucket_lifecycle_configuration.artifacts_lifecycle_85D31407',
  'aws_s3_bucket_ownership_controls.artifacts_ownership_C9878968',
  'aws_s3_bucket_policy.artifacts_policy_007ABD72',
  'aws_s3_bucket_public_access_block.artifacts_public_access_4A8C5557',
  'aws_s3_bucket_server_side_encryption_configuration.artifacts_encryption_C1F4F272',
  'aws_s3_bucket_versioning.artifacts_versioning_77526F6F',
  'data.aws_caller_identity.account',
  'data.aws_iam_policy_document.artifacts_tls_only_10D1BF09',
  'data.aws_iam_policy_document.boundary_document_dev',
  'data.aws_iam_policy_document.build_service_permissions_FAC5694A',
  'data.aws_iam_policy_document.build_service_trust_A972BAC5',
  'data.aws_iam_policy_document.deploy_dofs_dev_service_permissions_0FC8C62F',
  'data.aws_iam_policy_document.deploy_dofs_dev_service_trust_15BC4927',
  'data.aws_iam_policy_document.pipeline_role_permissions_3EB2276D',
  'data.aws_iam_policy_document.pipeline_role_trust_0102DFC2',
];

describe('Stack: dofs-cicd addresses', () => {
  // A changed address is a destroy and a create on the next deploy: these are the ones deployed pipelines have.
  it('keeps every resource at the address it had before the stack was built from concerns', () => {
    expect(addressesOf({})).toEqual([...COMMON, 'aws_codestarconnections_connection.github'].sort());
    expect(addressesOf({ DOFS_PIPELINE_SOURCE: 'token', DOFS_PIPELINE_PROD: 'true' })).toEqual(
      [
        ...COMMON,
        'aws_cloudwatch_log_group.deploy_dofs_prod_logs_17762443',
        'aws_codebuild_project.deploy_dofs_prod_project_6A181E4D',
        'aws_iam_policy.boundary_prod',
        'aws_iam_role.deploy_dofs_prod_service_role_8D59A6CA',
        'aws_iam_role_policy.deploy_dofs_prod_service_policy_326D5207',
        'data.aws_iam_policy_document.boundary_document_prod',
        'data.aws_iam_policy_document.deploy_dofs_prod_service_permissions_F0910D7C',
        'data.aws_iam_policy_document.deploy_dofs_prod_service_trust_2EA78E80',
      ].sort(),
    );
  });

  it('refuses two elements that leaving concerns out of ids would give one id', () => {
    class TwoConcerns extends ConcernStack {}
    const stack = new TwoConcerns(Testing.app(), 'two');
    for (const concern of ['first', 'second']) new TerraformVariable(new StackConcern(stack, concern), 'same', { type: 'string' });
    expect(() => Testing.synth(stack)).toThrow(DuplicateLogicalIdError);
    expect(() => Testing.synth(stack)).toThrow('two/first/same and two/second/same would both have the logical id "same"');
  });
});
