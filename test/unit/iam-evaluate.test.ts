import { decodeApiCall, unflattenQuery } from '../../local/iam/api-call';
import { denialMessage, denialResponse } from '../../local/iam/denial';
import { evaluate, UnsupportedPolicyError, type AuthorizationRequest, type Principal } from '../../local/iam/evaluate';
import { parsePolicy, withoutAction } from '../../local/iam/policy';
import { requiredAuthorizations } from '../../local/iam/requirements';

const request = (action: string, resource: string, context: AuthorizationRequest['context'] = {}): AuthorizationRequest => ({ action, resource, context });
const principal = (statements: unknown[], boundary?: unknown[]): Principal => ({
  arn: 'arn:aws:sts::123456789012:assumed-role/r/s',
  policies: [parsePolicy('identity', { Statement: statements })],
  boundary: boundary ? parsePolicy('boundary', { Statement: boundary }) : undefined,
});

describe('Function: evaluate (IAM policy evaluation logic)', () => {
  const table = 'arn:aws:dynamodb:us-east-1:123456789012:table/dofs-dev-orders';

  it('allows what an identity policy allows, matching actions case-insensitively and resources with wildcards', () => {
    const p = principal([{ Effect: 'Allow', Action: 'DynamoDB:Describe*', Resource: 'arn:aws:dynamodb:us-east-1:123456789012:table/dofs-dev-*' }]);
    expect(evaluate(p, request('dynamodb:DescribeTable', table))).toEqual({ allowed: true, statement: 'identity#Allow' });
    expect(evaluate(p, request('dynamodb:DeleteTable', table))).toEqual({ allowed: false, reason: 'no-identity-allow' });
    expect(evaluate(p, request('dynamodb:DescribeTable', table.replace('dev', 'prod')))).toMatchObject({ allowed: false });
  });

  it('lets an explicit deny win over any allow', () => {
    const p = principal([
      { Effect: 'Allow', Action: '*', Resource: '*' },
      { Sid: 'NoProd', Effect: 'Deny', Action: '*', Resource: 'arn:aws:dynamodb:*:*:table/dofs-prod-*' },
    ]);
    expect(evaluate(p, request('dynamodb:DeleteTable', table.replace('dev', 'prod')))).toEqual({ allowed: false, reason: 'explicit-deny', statement: 'identity#NoProd' });
  });

  it('requires the permissions boundary to allow the request too', () => {
    const p = principal([{ Effect: 'Allow', Action: 'sqs:*', Resource: '*' }], [{ Effect: 'Allow', Action: 'sqs:SendMessage', Resource: '*' }]);
    expect(evaluate(p, request('sqs:SendMessage', 'arn:aws:sqs:us-east-1:1:q')).allowed).toBe(true);
    expect(evaluate(p, request('sqs:DeleteQueue', 'arn:aws:sqs:us-east-1:1:q'))).toEqual({ allowed: false, reason: 'no-boundary-allow' });
  });

  it('matches ARN segments one by one, the resource part spanning colons and slashes', () => {
    const p = principal([{ Effect: 'Allow', Action: 'logs:DescribeLogGroups', Resource: 'arn:aws:logs:us-east-1:123456789012:log-group:*' }]);
    expect(evaluate(p, request('logs:DescribeLogGroups', 'arn:aws:logs:us-east-1:123456789012:log-group::log-stream:')).allowed).toBe(true);
    expect(evaluate(p, request('logs:DescribeLogGroups', 'arn:aws:logs:eu-west-1:123456789012:log-group::log-stream:')).allowed).toBe(false);
    expect(evaluate(p, request('logs:DescribeLogGroups', '*')).allowed).toBe(false);
  });

  it('evaluates conditions: a missing key fails a positive operator, satisfies a negated one, and IfExists skips it', () => {
    const p = principal([
      { Sid: 'Pass', Effect: 'Allow', Action: 'iam:PassRole', Resource: '*', Condition: { StringEquals: { 'iam:PassedToService': ['lambda.amazonaws.com', 'states.amazonaws.com'] } } },
      { Sid: 'Tag', Effect: 'Allow', Action: 'lambda:TagResource', Resource: '*', Condition: { StringNotEquals: { 'aws:RequestTag/Environment': 'prod' } } },
      { Sid: 'Esm', Effect: 'Allow', Action: 'lambda:DeleteEventSourceMapping', Resource: '*', Condition: { ArnLikeIfExists: { 'lambda:FunctionArn': 'arn:aws:lambda:*:*:function:dofs-dev-*' } } },
    ]);
    expect(evaluate(p, request('iam:PassRole', 'r', { 'iam:PassedToService': 'lambda.amazonaws.com' })).allowed).toBe(true);
    expect(evaluate(p, request('iam:PassRole', 'r', { 'iam:PassedToService': 'ec2.amazonaws.com' })).allowed).toBe(false);
    expect(evaluate(p, request('iam:PassRole', 'r')).allowed).toBe(false);
    expect(evaluate(p, request('lambda:TagResource', 'x')).allowed).toBe(true);
    expect(evaluate(p, request('lambda:TagResource', 'x', { 'aws:RequestTag/Environment': 'prod' })).allowed).toBe(false);
    expect(evaluate(p, request('lambda:DeleteEventSourceMapping', 'm')).allowed).toBe(true);
    expect(evaluate(p, request('lambda:DeleteEventSourceMapping', 'm', { 'lambda:FunctionArn': 'arn:aws:lambda:us-east-1:1:function:dofs-prod-x' })).allowed).toBe(false);
  });

  it('applies ForAnyValue/ForAllValues to multi-valued keys, and Null to presence', () => {
    const p = principal([
      { Sid: 'Keys', Effect: 'Allow', Action: 'sqs:TagQueue', Resource: '*', Condition: { 'ForAllValues:StringEquals': { 'aws:TagKeys': ['Project', 'Environment'] } } },
      { Sid: 'Any', Effect: 'Allow', Action: 'sqs:CreateQueue', Resource: '*', Condition: { 'ForAnyValue:StringLike': { 'aws:TagKeys': ['Env*'] }, Null: { 'aws:RequestTag/Owner': 'true' } } },
    ]);
    expect(evaluate(p, request('sqs:TagQueue', 'q', { 'aws:TagKeys': ['Project'] })).allowed).toBe(true);
    expect(evaluate(p, request('sqs:TagQueue', 'q', { 'aws:TagKeys': ['Project', 'Owner'] })).allowed).toBe(false);
    expect(evaluate(p, request('sqs:CreateQueue', 'q', { 'aws:TagKeys': ['Project', 'Environment'] })).allowed).toBe(true);
    expect(evaluate(p, request('sqs:CreateQueue', 'q', { 'aws:TagKeys': ['Environment'], 'aws:RequestTag/Owner': 'me' })).allowed).toBe(false);
  });

  it('refuses what it does not evaluate rather than guessing', () => {
    const p = principal([{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*', Condition: { DateGreaterThan: { 'aws:CurrentTime': '2020-01-01T00:00:00Z' } } }]);
    expect(() => evaluate(p, request('s3:GetObject', 'o'))).toThrow(UnsupportedPolicyError);
    expect(() => parsePolicy('x', { Statement: [{ Effect: 'Allow', Principal: '*', Action: '*', Resource: '*' }] })).toThrow(/names a principal/);
  });

  it('takes one action out of a policy, dropping statements left with none', () => {
    const policy = parsePolicy('p', { Statement: [{ Effect: 'Allow', Action: ['a:X', 'a:Y'], Resource: '*' }, { Effect: 'Allow', Action: 'a:X', Resource: '*' }] });
    expect(withoutAction(policy, 'A:x').statements.map((s) => s.actions)).toEqual([['a:Y']]);
  });
});

describe('Function: requiredAuthorizations (requests to IAM actions, resources and condition keys)', () => {
  const signed = (service: string) => ({ authorization: `AWS4-HMAC-SHA256 Credential=AKIAKEY/20261125/us-east-1/${service}/aws4_request, SignedHeaders=host, Signature=x` });
  const json = (service: string, target: string, body: unknown) =>
    decodeApiCall({ method: 'POST', url: '/', headers: { ...signed(service), 'x-amz-target': target, 'content-type': 'application/x-amz-json-1.0' }, body: Buffer.from(JSON.stringify(body)) });

  it('fills the ARN from the parameters and adds the tagging action a tagged create needs', async () => {
    const call = json('sqs', 'AmazonSQS.CreateQueue', { QueueName: 'dofs-dev-order_queue', tags: { Environment: 'dev' } });
    expect(await requiredAuthorizations(call, '123456789012')).toEqual([
      { action: 'sqs:CreateQueue', resource: 'arn:aws:sqs:us-east-1:123456789012:dofs-dev-order_queue', context: { 'aws:RequestTag/Environment': 'dev', 'aws:TagKeys': ['Environment'] } },
      { action: 'sqs:TagQueue', resource: 'arn:aws:sqs:us-east-1:123456789012:dofs-dev-order_queue', context: { 'aws:RequestTag/Environment': 'dev', 'aws:TagKeys': ['Environment'] } },
    ]);
  });

  it('authorizes an SQS batch operation as its single-message action (there is no sqs:SendMessageBatch)', async () => {
    const url = 'https://sqs.us-east-1.amazonaws.com/123456789012/dofs-dev-order_queue';
    const send = json('sqs', 'AmazonSQS.SendMessageBatch', { QueueUrl: url, Entries: [{ Id: '0', MessageBody: '{}' }] });
    const remove = json('sqs', 'AmazonSQS.DeleteMessageBatch', { QueueUrl: url, Entries: [{ Id: '0', ReceiptHandle: 'r' }] });
    expect((await requiredAuthorizations(send, '123456789012')).map((n) => [n.action, n.resource])).toEqual([['sqs:SendMessage', 'arn:aws:sqs:us-east-1:123456789012:dofs-dev-order_queue']]);
    expect((await requiredAuthorizations(remove, '123456789012')).map((n) => n.action)).toEqual(['sqs:DeleteMessage']);
  });

  it("authorizes a query of a DynamoDB index on the index's ARN, and of the table on the table's", async () => {
    const index = json('dynamodb', 'DynamoDB_20120810.Query', { TableName: 'dofs-dev-orders', IndexName: 'by_status', KeyConditionExpression: '#s = :s' });
    const table = json('dynamodb', 'DynamoDB_20120810.Query', { TableName: 'dofs-dev-orders', KeyConditionExpression: 'order_id = :o' });
    expect((await requiredAuthorizations(index, '123456789012')).map((n) => n.resource)).toEqual(['arn:aws:dynamodb:us-east-1:123456789012:table/dofs-dev-orders/index/by_status']);
    expect((await requiredAuthorizations(table, '123456789012')).map((n) => n.resource)).toEqual(['arn:aws:dynamodb:us-east-1:123456789012:table/dofs-dev-orders']);
  });

  it('asks for iam:PassRole with iam:PassedToService when a role is handed to a service', async () => {
    const call = json('states', 'AWSStepFunctions.CreateStateMachine', { name: 'dofs-dev-order-workflow', roleArn: 'arn:aws:iam::123456789012:role/dofs-dev-order-workflow', definition: '{}' });
    const needed = await requiredAuthorizations(call, '123456789012');
    expect(needed.map((n) => [n.action, n.resource])).toEqual([
      ['states:CreateStateMachine', 'arn:aws:states:us-east-1:123456789012:stateMachine:dofs-dev-order-workflow'],
      ['iam:PassRole', 'arn:aws:iam::123456789012:role/dofs-dev-order-workflow'],
    ]);
    expect(needed[1]!.context).toEqual({ 'iam:PassedToService': 'states.amazonaws.com' });
  });

  it('looks up the condition keys a request implies: the role boundary, the function of a mapping', async () => {
    const form = 'Action=PutRolePolicy&RoleName=dofs-dev-x&PolicyName=p&PolicyDocument=%7B%7D&Version=2010-05-08';
    const call = decodeApiCall({ method: 'POST', url: '/', headers: { ...signed('iam'), 'content-type': 'application/x-www-form-urlencoded' }, body: Buffer.from(form) });
    const [put] = await requiredAuthorizations(call, '123456789012', { roleBoundary: () => Promise.resolve('arn:aws:iam::123456789012:policy/b') });
    expect(put).toEqual({ action: 'iam:PutRolePolicy', resource: 'arn:aws:iam::123456789012:role/dofs-dev-x', context: { 'iam:PermissionsBoundary': 'arn:aws:iam::123456789012:policy/b' } });
  });

  it('names the operation it cannot map instead of allowing it', async () => {
    await expect(requiredAuthorizations(json('sqs', 'AmazonSQS.FlyToTheMoon', {}), '123456789012')).rejects.toThrow(/cannot authorize sqs:FlyToTheMoon/);
  });

  it('rebuilds awsQuery lists and maps', () => {
    expect(unflattenQuery({ 'Tags.member.1.Key': 'a', 'Tags.member.1.Value': 'b', 'Tags.member.2.Key': 'c', 'Tags.member.2.Value': 'd', Name: 'n' })).toEqual({
      Tags: [{ Key: 'a', Value: 'b' }, { Key: 'c', Value: 'd' }],
      Name: 'n',
    });
  });

  it("answers a denial in the service's own error format, with AWS's wording", () => {
    const message = denialMessage('arn:aws:sts::1:assumed-role/r/s', request('sqs:CreateQueue', 'arn:aws:sqs:us-east-1:1:q'), 'no-identity-allow');
    expect(message).toBe('User: arn:aws:sts::1:assumed-role/r/s is not authorized to perform: sqs:CreateQueue on resource: arn:aws:sqs:us-east-1:1:q because no identity-based policy allows the sqs:CreateQueue action');
    const call = json('dynamodb', 'DynamoDB_20120810.DeleteTable', { TableName: 't' });
    expect(JSON.parse(denialResponse(call, message, 'id').body)).toEqual({ __type: 'AccessDeniedException', message });
    const query = { ...call, service: 'sns', protocol: 'query' as const };
    expect(denialResponse(query, message, 'id').body).toMatch(/<Code>AuthorizationError<\/Code>/);
  });
});
