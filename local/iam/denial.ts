import type { ApiCall } from './api-call';
import type { AuthorizationRequest, DenialReason } from './evaluate';

/**
 * The answer AWS gives a caller whose request IAM denies, in the service's own error format, so an SDK
 * (and Terraform) fails exactly as it would on AWS. Message wording as AWS writes it since 2021:
 * "User: <arn> is not authorized to perform: <action> on resource: <arn> because no identity-based policy
 * allows the <action> action" (https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_access-denied.html).
 */
export interface DenialResponse {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: string;
}

const BECAUSE: Record<DenialReason, (action: string) => string> = {
  'explicit-deny': () => 'with an explicit deny in an identity-based policy',
  'no-boundary-allow': (action) => `because no permissions boundary allows the ${action} action`,
  'no-identity-allow': (action) => `because no identity-based policy allows the ${action} action`,
};

export function denialMessage(principalArn: string, request: AuthorizationRequest, reason: DenialReason): string {
  return `User: ${principalArn} is not authorized to perform: ${request.action} on resource: ${request.resource} ${BECAUSE[reason](request.action)}`;
}

const xml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export function denialResponse(call: ApiCall, message: string, requestId: string): DenialResponse {
  switch (call.protocol) {
    case 'json': {
      // SQS's JSON protocol keeps its query-era code in x-amzn-query-error.
      const code = call.service === 'sqs' ? 'AccessDenied' : 'AccessDeniedException';
      return {
        status: call.service === 'sqs' ? 403 : 400,
        headers: {
          'content-type': 'application/x-amz-json-1.0',
          'x-amzn-requestid': requestId,
          ...(call.service === 'sqs' ? { 'x-amzn-query-error': 'AccessDenied;Sender' } : {}),
        },
        body: JSON.stringify({ __type: code, message }),
      };
    }
    case 'query': {
      // SNS names the error AuthorizationError; IAM, STS and CloudWatch AccessDenied.
      const code = call.service === 'sns' ? 'AuthorizationError' : 'AccessDenied';
      return {
        status: 403,
        headers: { 'content-type': 'text/xml', 'x-amzn-requestid': requestId },
        body: `<ErrorResponse><Error><Type>Sender</Type><Code>${code}</Code><Message>${xml(message)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`,
      };
    }
    case 'rest-json':
      return {
        status: 403,
        headers: { 'content-type': 'application/json', 'x-amzn-errortype': 'AccessDeniedException', 'x-amzn-requestid': requestId },
        body: JSON.stringify({ Message: message, message }),
      };
    case 'rest-xml':
      return {
        status: 403,
        headers: { 'content-type': 'application/xml', 'x-amz-request-id': requestId },
        body: `<?xml version="1.0" encoding="UTF-8"?><Error><Code>AccessDenied</Code><Message>${xml(message)}</Message><RequestId>${requestId}</RequestId></Error>`,
      };
  }
}
