import { DataAwsIamPolicyDocument } from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { Construct } from 'constructs';
import { toDocumentStatement, type PolicyStatement } from './policy';

export interface ServiceRoleOptions {
  readonly roleName: string;
  /** e.g. lambda.amazonaws.com */
  readonly servicePrincipal: string;
  readonly statements: readonly PolicyStatement[];
  /** A permissions boundary the role must carry (required when the CI/CD pipeline deploys). */
  readonly permissionsBoundary?: string | undefined;
}

/** An IAM role one AWS service assumes, with exactly the given statements as its only (inline) policy. */
export class ServiceRole extends Construct {
  readonly role: IamRole;
  readonly policy: IamRolePolicy;

  constructor(scope: Construct, id: string, options: ServiceRoleOptions) {
    super(scope, id);
    const trust = new DataAwsIamPolicyDocument(this, 'trust', {
      statement: [{ actions: ['sts:AssumeRole'], principals: [{ type: 'Service', identifiers: [options.servicePrincipal] }] }],
    });
    this.role = new IamRole(this, 'role', {
      name: options.roleName,
      assumeRolePolicy: trust.json,
      ...(options.permissionsBoundary ? { permissionsBoundary: options.permissionsBoundary } : {}),
    });
    const permissions = new DataAwsIamPolicyDocument(this, 'permissions', {
      statement: options.statements.map(toDocumentStatement),
    });
    this.policy = new IamRolePolicy(this, 'policy', { name: 'least-privilege', role: this.role.name, policy: permissions.json });
  }
}
