import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { readBody, sendJson } from './http-util';
import type { Denial, LocalAuthorizer } from './authorizer';
import type { LocalStateMachine } from './step-functions';

const TARGET_PREFIX = 'AWSStepFunctions.';
const MAX_REQUEST_BYTES = 1024 * 1024;

/**
 * The slice of the Step Functions API (JSON 1.0 protocol) that api_handler calls, so its real SDK
 * client, pointed here by AWS_ENDPOINT_URL_SFN, runs unchanged: StartSyncExecution.
 */
export function createSfnApiServer(stateMachine: LocalStateMachine, authorizer?: LocalAuthorizer, onDenied: (denial: Denial) => void = () => undefined): Server {
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const target = String(req.headers['x-amz-target'] ?? '');
    const operation = target.startsWith(TARGET_PREFIX) ? target.slice(TARGET_PREFIX.length) : target;
    let body: Buffer;
    let request: { stateMachineArn?: string; input?: string; name?: string };
    try {
      body = await readBody(req, MAX_REQUEST_BYTES);
      request = JSON.parse(body.toString('utf8')) as typeof request;
    } catch {
      return sendJson(res, 400, { __type: 'SerializationException', message: 'request body is not JSON' });
    }
    try {
      // The caller's role must allow states:StartSyncExecution on this state machine, as IAM would judge.
      const outcome = (await authorizer?.authorizeHttp({ method: req.method ?? 'POST', url: req.url ?? '/', headers: req.headers, body })) ?? { allowed: true };
      if (!outcome.allowed) {
        onDenied(outcome.denial);
        res.writeHead(outcome.response.status, { ...outcome.response.headers, 'content-length': Buffer.byteLength(outcome.response.body) });
        return res.end(outcome.response.body);
      }
      if (operation !== 'StartSyncExecution') {
        return sendJson(res, 400, { __type: 'UnknownOperationException', message: `${operation} is not emulated` });
      }
      if (request.stateMachineArn !== stateMachine.stateMachineArn) {
        return sendJson(res, 400, { __type: 'StateMachineDoesNotExist', message: 'State Machine Does Not Exist' });
      }
      const result = await stateMachine.startSyncExecution(request.input ?? '{}', request.name);
      sendJson(res, 200, result);
    } catch (error) {
      // An emulator or authorizer fault, not the caller's: the SDK retries a 500 like AWS's InternalFailure.
      sendJson(res, 500, { __type: 'InternalFailure', message: (error as Error).message });
    }
  };
  // Nothing waits for handle(): everything after the body is read is inside the try, and a fault answers 500.
  return createServer((req, res) => void handle(req, res));
}
