import { DataAwsIamPolicyDocument } from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import { IamPolicy } from '@cdktf/provider-aws/lib/iam-policy';
import type { Construct } from 'constructs';
import { toDocumentStatement } from '../platform/policy';
import { stackName } from '../platform/stack-names';
import { StackConcern } from './concern';
import { boundaryStatements, CICD_ROLE_PREFIX, type DeployTarget } from './deploy-permissions';

export interface DeployBoundariesOptions {
  readonly target: DeployTarget;
  /** The environments the pipeline deploys, in order. */
  readonly environments: readonly string[];
}

/**
 * One permissions boundary per deployed environment: the most any role its stack creates may do, so a
 * role a dev deploy creates can never reach prod's data.
 */
export class DeployBoundaries extends StackConcern {
  /** Each environment's boundary, in the order deployed. */
  readonly byEnvironment: Readonly<Record<string, IamPolicy>>;

  constructor(scope: Construct, id: string, { target, environments }: DeployBoundariesOptions) {
    super(scope, id);
    this.byEnvironment = Object.fromEntries(
      environments.map((environment) => {
        const document = new DataAwsIamPolicyDocument(this, `boundary_document_${environment}`, {
          statement: boundaryStatements({ ...target, environments: [environment] }).map(toDocumentStatement),
        });
        const policy = new IamPolicy(this, `boundary_${environment}`, {
          name: `${CICD_ROLE_PREFIX}boundary-${environment}`,
          description: `The most any role created by the ${stackName(environment)} stack may do`,
          policy: document.json,
        });
        return [environment, policy];
      }),
    );
  }
}
