import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { SFNClient, StartSyncExecutionCommand } from '@aws-sdk/client-sfn';
import { GetQueueAttributesCommand, ReceiveMessageCommand, SendMessageBatchCommand, SendMessageCommand, SQSClient, type Message } from '@aws-sdk/client-sqs';
import { createHash, randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { waitFor } from '../../cli/poll';
import { ExecutionHistory } from '../../local/executions';
import { toEvent } from '../../local/gateway';
import { close, listen, readBody } from '../../local/http-util';
import { LambdaFunctionError } from '../../local/lambda-host';
import { createSfnApiServer } from '../../local/sfn-api';
import { reportedFailures } from '../../local/sqs-event-source';
import { LocalStateMachine, type TaskHandler } from '../../local/step-functions';
import { createWorkflowTasks } from '../../local/workflow-tasks';
import { MAX_RECEIVE_COUNT, MAXIMUM_MESSAGE_SIZE_BYTES } from '../../topology/queues';
import { BY_STATUS_INDEX } from '../../topology/tables';
import { WORKFLOW_STATES } from '../../topology/workflow';
import { createTestAws, type TestAws } from '../support/aws';
import { rawRequest } from '../support/http';

/**
 * The AWS rules DOFS relies on, each checked against the local emulators (fauxqs, dynalite,
 * aws-local-stepfunctions and the runtime's own Lambda, event source and HTTP API layers) with the AWS
 * documentation that states it. A rule an emulator breaks is fixed (docs/emulators.md) or, where it
 * cannot be, listed there and in the README's table with its workaround.
 */
describe('Emulator fidelity: the AWS rules DOFS relies on', () => {
  let aws: TestAws;
  beforeAll(async () => {
    aws = await createTestAws(1);
  });

  const errorOf = async (promise: Promise<unknown>) => promise.then(() => undefined, (error: unknown) => error as Error & { Code?: string });

  describe('SQS (fauxqs, patched)', () => {
    // https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SendMessage.html
    // "#x9 | #xA | #xD | #x20 to #xD7FF | #xE000 to #xFFFD | #x10000 to #x10FFFF"; anything else is
    // refused with InvalidMessageContents.
    const allowed = ['\t\n\r', ' ~', '\u00a0\ud7ff', '\ue000\ufffd', '\u{10000}', '🛒 ノート', '\u{10ffff}'];
    const refused = ['\u0000', 'a\u0008', '\u001f', 'a\ufffe', '\uffff'];

    it.each(allowed.map((body) => [escape(body), body]))('SendMessage accepts the allowed characters: %s', async (_, body) => {
      const sent = await aws.sqs.send(new SendMessageCommand({ QueueUrl: aws.resources.orderDlqUrl, MessageBody: body }));
      expect(sent.MD5OfMessageBody).toBe(createHash('md5').update(body, 'utf8').digest('hex'));
    });

    it.each(refused.map((body) => [escape(body), body]))('SendMessage refuses the others with InvalidMessageContents: %s', async (_, body) => {
      const error = await errorOf(aws.sqs.send(new SendMessageCommand({ QueueUrl: aws.resources.orderDlqUrl, MessageBody: body })));
      expect(error?.name).toBe('InvalidMessageContents');
    });

    it('SendMessageBatch fails only the entries with refused characters, as sender faults', async () => {
      const { Successful = [], Failed = [] } = await aws.sqs.send(
        new SendMessageBatchCommand({
          QueueUrl: aws.resources.orderDlqUrl,
          Entries: [
            { Id: 'astral', MessageBody: '\u{1f6d2}' },
            { Id: 'nonchar', MessageBody: '\uffff' },
          ],
        }),
      );
      expect(Successful.map((entry) => entry.Id)).toEqual(['astral']);
      expect(Failed).toEqual([expect.objectContaining({ Id: 'nonchar', Code: 'InvalidMessageContents', SenderFault: true })]);
    });

    // https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SetQueueAttributes.html
    // MaximumMessageSize: "how many bytes a message can contain before Amazon SQS rejects it".
    it(`refuses a message over the queue's MaximumMessageSize (${MAXIMUM_MESSAGE_SIZE_BYTES} bytes, counted in UTF-8)`, async () => {
      const { Attributes = {} } = await aws.sqs.send(new GetQueueAttributesCommand({ QueueUrl: aws.resources.orderQueueUrl, AttributeNames: ['MaximumMessageSize'] }));
      expect(Number(Attributes.MaximumMessageSize)).toBe(MAXIMUM_MESSAGE_SIZE_BYTES);
      const astral = '\u{1f6d2}'.repeat(MAXIMUM_MESSAGE_SIZE_BYTES / 4); // 4 UTF-8 bytes each
      const queueUrl = aws.resources.orderDlqUrl;
      await expect(aws.sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: astral }))).resolves.toMatchObject({ MessageId: expect.any(String) });
      expect((await errorOf(aws.sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: `${astral}x` }))))?.name).toBe('InvalidParameterValue');
      expect((await errorOf(aws.sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: 'x'.repeat(MAXIMUM_MESSAGE_SIZE_BYTES + 1) }))))?.name).toBe('InvalidParameterValue');
    });

    // https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-visibility-timeout.html
    // https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_ReceiveMessage.html (ApproximateReceiveCount,
    // ApproximateFirstReceiveTimestamp, SentTimestamp, SenderId; MD5OfBody)
    // https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-dead-letter-queues.html
    // "When the ReceiveCount for a message exceeds the maxReceiveCount for a queue, Amazon SQS moves the message to a dead-letter queue."
    it(`hides a received message for the visibility timeout, counts its receives, and moves it to the DLQ after ${MAX_RECEIVE_COUNT}`, async () => {
      const test = await createTestAws(1);
      const body = JSON.stringify({ order_id: `vis-${randomUUID()}`, item: 'kite', quantity: 1 });
      const sentAt = Date.now();
      await test.sqs.send(new SendMessageCommand({ QueueUrl: test.resources.orderQueueUrl, MessageBody: body }));
      const receives: Message[] = [];
      for (let count = 1; count <= MAX_RECEIVE_COUNT; count += 1) {
        const message = await waitFor(`receive ${count}`, async () => (await receiveFrom(test, test.resources.orderQueueUrl)).find((m) => m.Body === body), 10_000, 50);
        receives.push(message);
        // Invisible until the visibility timeout ends: an immediate receive does not see it.
        expect((await receiveFrom(test, test.resources.orderQueueUrl)).find((m) => m.Body === body)).toBeUndefined();
      }
      expect(receives.map((m) => m.Attributes?.ApproximateReceiveCount)).toEqual(['1', '2', '3']);
      expect(new Set(receives.map((m) => m.MessageId)).size).toBe(1);
      expect(new Set(receives.map((m) => m.ReceiptHandle)).size).toBe(MAX_RECEIVE_COUNT);
      const attributes = receives[0]!.Attributes!;
      expect(Number(attributes.SentTimestamp)).toBeGreaterThanOrEqual(sentAt - 1000);
      expect(Number(attributes.ApproximateFirstReceiveTimestamp)).toBeGreaterThanOrEqual(Number(attributes.SentTimestamp));
      expect(attributes.SenderId).toEqual(expect.any(String));
      expect(receives[0]!.MD5OfBody).toBe(createHash('md5').update(body, 'utf8').digest('hex'));

      const moved = await waitFor('the message in the DLQ', async () => {
        const source = await receiveFrom(test, test.resources.orderQueueUrl);
        expect(source.find((m) => m.Body === body)).toBeUndefined();
        return (await receiveFrom(test, test.resources.orderDlqUrl)).find((m) => m.Body === body);
      }, 10_000, 100);
      expect(moved.Body).toBe(body);
    }, 30_000);

    // https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-errorhandling.html#services-sqs-batchfailurereporting
    describe("partial batch responses (the local event source's reading of them)", () => {
      const batch = [{ MessageId: 'm1' }, { MessageId: 'm2' }];
      it.each([
        ['no response', undefined, []],
        ['null', null, []],
        ['an empty object', {}, []],
        ['a null list', { batchItemFailures: null }, []],
        ['an empty list', { batchItemFailures: [] }, []],
        ['one failure', { batchItemFailures: [{ itemIdentifier: 'm2' }] }, ['m2']],
      ])('%s: only the reported messages are redelivered', (_, response, failed) => {
        expect([...reportedFailures(response, batch)]).toEqual(failed);
      });
      it.each([
        ['an empty itemIdentifier', { batchItemFailures: [{ itemIdentifier: '' }] }],
        ['a null itemIdentifier', { batchItemFailures: [{ itemIdentifier: null }] }],
        ['a wrongly named key', { batchItemFailures: [{ itemId: 'm1' }] }],
        ['an id not in the batch', { batchItemFailures: [{ itemIdentifier: 'm9' }] }],
        ['a response of another shape', 'ok'],
        ['a list of another type', { batchItemFailures: 'm1' }],
      ])('%s: the whole batch fails', (_, response) => {
        expect([...reportedFailures(response, batch)].sort()).toEqual(['m1', 'm2']);
      });
    });
  });

  describe('DynamoDB (dynalite)', () => {
    const table = () => aws.resources.ordersTable;
    const item = (id: string, extra: Record<string, unknown> = {}) => ({ order_id: id, status: 'PENDING', updated_at: '2026-01-01T00:00:00.000Z', ...extra });

    // https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Expressions.ConditionExpressions.html
    // https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_PutItem.html (ConditionalCheckFailedException)
    it('a failed condition raises ConditionalCheckFailedException and writes nothing', async () => {
      const id = `cond-${randomUUID()}`;
      await aws.db.send(new PutCommand({ TableName: table(), Item: item(id, { item: 'first' }), ConditionExpression: 'attribute_not_exists(order_id)' }));
      const error = await errorOf(aws.db.send(new PutCommand({ TableName: table(), Item: item(id, { item: 'second' }), ConditionExpression: 'attribute_not_exists(order_id)' })));
      expect(error).toBeInstanceOf(ConditionalCheckFailedException);
      expect(error?.name).toBe('ConditionalCheckFailedException');
      expect((await aws.db.send(new GetCommand({ TableName: table(), Key: { order_id: id }, ConsistentRead: true }))).Item).toMatchObject({ item: 'first' });
    });

    // https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_UpdateItem.html#DDB-UpdateItem-request-ReturnValues
    // https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_PutItem.html#DDB-PutItem-request-ReturnValues
    it('ReturnValues: UpdateItem ALL_NEW and UPDATED_NEW, PutItem ALL_OLD', async () => {
      const id = `rv-${randomUUID()}`;
      const put = await aws.db.send(new PutCommand({ TableName: table(), Item: item(id, { attempts: 0 }), ReturnValues: 'ALL_OLD' }));
      expect(put.Attributes).toBeUndefined();
      const updated = await aws.db.send(
        new UpdateCommand({ TableName: table(), Key: { order_id: id }, UpdateExpression: 'SET attempts = attempts + :one', ExpressionAttributeValues: { ':one': 1 }, ReturnValues: 'ALL_NEW' }),
      );
      expect(updated.Attributes).toEqual(item(id, { attempts: 1 }));
      const changed = await aws.db.send(
        new UpdateCommand({ TableName: table(), Key: { order_id: id }, UpdateExpression: 'SET attempts = attempts + :one', ExpressionAttributeValues: { ':one': 1 }, ReturnValues: 'UPDATED_NEW' }),
      );
      expect(changed.Attributes).toEqual({ attempts: 2 });
      const replaced = await aws.db.send(new PutCommand({ TableName: table(), Item: item(id), ReturnValues: 'ALL_OLD' }));
      expect(replaced.Attributes).toEqual(item(id, { attempts: 2 }));
    });

    // https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/ServiceQuotas.html#limits-items
    // "The maximum item size in DynamoDB is 400 KB, which includes both attribute name binary length
    // (UTF-8 length) and attribute value lengths (again binary length)."
    it('refuses an item over 400 KB, counting attribute names and UTF-8 values', async () => {
      const limit = 400 * 1024;
      const id = `big-${randomUUID()}`;
      const fixed = Buffer.byteLength('order_id') + Buffer.byteLength(id) + Buffer.byteLength('item');
      await expect(aws.db.send(new PutCommand({ TableName: table(), Item: { order_id: id, item: 'x'.repeat(limit - fixed) } }))).resolves.toBeDefined();
      const error = await errorOf(aws.db.send(new PutCommand({ TableName: table(), Item: { order_id: id, item: 'x'.repeat(limit - fixed + 1) } })));
      expect(error?.name).toBe('ValidationException');
      expect(error?.message).toMatch(/Item size has exceeded the maximum allowed size/);
    });

    // https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/GSI.html#GSI.Reading
    // "Global secondary indexes support eventually consistent reads... you cannot specify ConsistentRead = true."
    it('refuses a strongly consistent read of a global secondary index (the sweeper reads by_status eventually)', async () => {
      const error = await errorOf(
        aws.db.send(
          new QueryCommand({
            TableName: table(),
            IndexName: BY_STATUS_INDEX.name,
            KeyConditionExpression: '#s = :s',
            ExpressionAttributeNames: { '#s': 'status' },
            ExpressionAttributeValues: { ':s': 'PENDING' },
            ConsistentRead: true,
          }),
        ),
      );
      expect(error?.name).toBe('ValidationException');
    });
  });

  describe('Step Functions (aws-local-stepfunctions, with the local Lambda and SQS integrations)', () => {
    const ARN = 'arn:aws:states:us-east-1:000000000000:stateMachine:fidelity';
    const definition = (queueUrl: string) => ({
      StartAt: 'Work',
      States: {
        Work: {
          Type: 'Task',
          Resource: 'arn:aws:lambda:us-east-1:000000000000:function:work',
          Catch: [{ ErrorEquals: ['CaughtError'], ResultPath: '$.failure', Next: 'Caught' }],
          Next: WORKFLOW_STATES.enqueue,
        },
        Caught: { Type: 'Pass', End: true },
        [WORKFLOW_STATES.enqueue]: { Type: 'Task', Resource: 'arn:aws:states:::sqs:sendMessage', Parameters: { QueueUrl: queueUrl, 'MessageBody.$': '$' }, End: true },
      },
    });

    /** The workflow's own SQS task, and a Lambda task that fails as Lambda reports a handler error. */
    function machine(queueUrl: string, sqs: SQSClient, work: (input: unknown) => Promise<unknown>) {
      const tasks: Record<string, TaskHandler> = {
        Work: async (input) => {
          try {
            return (await work(input)) as never;
          } catch (error) {
            const { name, message } = error as Error;
            throw new LambdaFunctionError(name, message, ['at work (index.mjs:1:1)']);
          }
        },
        [WORKFLOW_STATES.enqueue]: createWorkflowTasks({ validator: async () => ({}), orderStorage: async () => ({}) }, sqs)[WORKFLOW_STATES.enqueue]!,
      };
      return new LocalStateMachine(definition(queueUrl), tasks, ARN, new ExecutionHistory());
    }

    const fail = (name: string) => async () => {
      throw Object.assign(new Error(`${name} happened`), { name });
    };

    // https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html: a Lambda function's
    // error name is its errorType, and the Cause is Lambda's error JSON.
    it("a Lambda task's error is named by the handler's errorType, which Catch matches, with Lambda's JSON as the Cause", async () => {
      const uncaught = await machine(aws.resources.orderDlqUrl, aws.sqs, fail('OtherError')).startSyncExecution('{}');
      expect(uncaught).toMatchObject({ status: 'FAILED', error: 'OtherError' });
      expect(JSON.parse(uncaught.cause!)).toEqual({ errorType: 'OtherError', errorMessage: 'OtherError happened', trace: expect.any(Array) });
      const caught = await machine(aws.resources.orderDlqUrl, aws.sqs, fail('CaughtError')).startSyncExecution('{}');
      expect(caught.status).toBe('SUCCEEDED');
      expect((JSON.parse(caught.output!) as { failure: unknown }).failure).toMatchObject({ Error: 'CaughtError' });
    });

    // Not in the reference: Step Functions names an optimized SQS integration's failure after the AWS SDK
    // for Java exception it caught (SQS.AmazonSQSException when SQS answered, SQS.SdkClientException when
    // it did not), as LocalStack's parity-tested Step Functions does. local/workflow-tasks.ts.
    it('a refused SQS send fails the task as SQS.AmazonSQSException, with the SDK-style Cause', async () => {
      const missing = aws.resources.orderDlqUrl.replace(/[^/]+$/, `missing-${randomUUID()}`);
      const result = await machine(missing, aws.sqs, async (input) => input).startSyncExecution('{"a":1}');
      expect(result).toMatchObject({ status: 'FAILED', error: 'SQS.AmazonSQSException' });
      expect(result.cause).toMatch(/\(Service: AmazonSQS; Status Code: 400; Error Code: \S+; Request ID: \S+; Proxy: null\)$/);
    });

    it('an SQS endpoint that does not answer fails the task as SQS.SdkClientException', async () => {
      const unreachable = new SQSClient({ region: 'us-east-1', endpoint: 'http://127.0.0.1:9', credentials: { accessKeyId: 'x', secretAccessKey: 'x' }, maxAttempts: 1 });
      const result = await machine(aws.resources.orderDlqUrl, unreachable, async (input) => input).startSyncExecution('{}');
      expect(result).toMatchObject({ status: 'FAILED', error: 'SQS.SdkClientException' });
    });

    // https://docs.aws.amazon.com/step-functions/latest/apireference/API_StartSyncExecution.html#API_StartSyncExecution_ResponseSyntax
    it('StartSyncExecution answers SUCCEEDED with the output as a JSON string, FAILED with error and cause and no output', async () => {
      let server: Server | undefined;
      try {
        const local = machine(aws.resources.orderDlqUrl, aws.sqs, async (input) => {
          if ((input as { fail?: boolean }).fail) throw Object.assign(new Error('no'), { name: 'OtherError' });
          return input;
        });
        server = createSfnApiServer(local);
        const port = await listen(server, 0, '127.0.0.1');
        const sfn = new SFNClient({ region: 'us-east-1', endpoint: `http://127.0.0.1:${port}`, disableHostPrefix: true, credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
        const ok = await sfn.send(new StartSyncExecutionCommand({ stateMachineArn: ARN, input: '{"n":1}' }));
        expect(ok).toMatchObject({ status: 'SUCCEEDED', executionArn: expect.stringContaining(':express:fidelity:'), startDate: expect.any(Date), stopDate: expect.any(Date) });
        expect(JSON.parse(ok.output!)).toMatchObject({ MessageId: expect.any(String) });
        expect(ok.billingDetails).toEqual({ billedMemoryUsedInMB: 64, billedDurationInMilliseconds: expect.any(Number) });
        expect(ok.billingDetails!.billedDurationInMilliseconds! % 100).toBe(0);
        expect(ok.error).toBeUndefined();
        const failed = await sfn.send(new StartSyncExecutionCommand({ stateMachineArn: ARN, input: '{"fail":true}' }));
        expect(failed).toMatchObject({ status: 'FAILED', error: 'OtherError', cause: expect.stringContaining('"errorType":"OtherError"') });
        expect(failed.output).toBeUndefined();
        const wrong = await errorOf(sfn.send(new StartSyncExecutionCommand({ stateMachineArn: `${ARN}-other`, input: '{}' })));
        expect(wrong?.name).toBe('StateMachineDoesNotExist');
      } finally {
        if (server) await close(server);
      }
    });
  });

  // https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-lambda.html
  // (payload format version 2.0): lower-case header names, repeated headers and query parameters joined
  // with commas, cookies in their own array, binary bodies base64-encoded.
  describe('HTTP API payload 2.0 (the local gateway)', () => {
    let server: Server;
    let port: number;
    beforeAll(async () => {
      server = createServer((req, res) => {
        readBody(req, 1024 * 1024).then(
          (body) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(toEvent(req, body))),
          () => res.writeHead(500).end(),
        );
      });
      port = await listen(server, 0, '127.0.0.1');
    });
    afterAll(() => close(server));

    const send = async (path: string, options: Parameters<typeof rawRequest>[2] = {}) => (await rawRequest(port, path, options)).body as APIGatewayProxyEventV2;

    it('carries the fields api_handler reads, with the request id and time', async () => {
      const event = await send('/orders/a-1?x=1&x=2&y=3', { headers: { 'X-Trace': ['t1', 't2'], Cookie: ['a=1; b=2', 'c=3'], 'User-Agent': 'curl/8' } });
      expect(event).toMatchObject({
        version: '2.0',
        routeKey: '$default',
        rawPath: '/orders/a-1',
        rawQueryString: 'x=1&x=2&y=3',
        queryStringParameters: { x: '1,2', y: '3' },
        cookies: ['a=1', 'b=2', 'c=3'],
        isBase64Encoded: false,
        requestContext: { http: { method: 'GET', path: '/orders/a-1', protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'curl/8' }, stage: '$default', routeKey: '$default' },
      });
      expect(event.headers['x-trace']).toBe('t1,t2');
      expect(event.headers.cookie).toBeUndefined();
      expect(event.requestContext.requestId).toMatch(/^[0-9a-f-]{36}$/);
      expect(Math.abs(event.requestContext.timeEpoch - Date.now())).toBeLessThan(60_000);
      expect(event.body).toBeUndefined();
    });

    it('passes a JSON body as text and a binary one base64-encoded', async () => {
      const json = await send('/orders', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"a":"🛒"}' });
      expect(json).toMatchObject({ body: '{"a":"🛒"}', isBase64Encoded: false });
      const bytes = Buffer.from([0xff, 0x00, 0x10]);
      const binary = await send('/orders', { method: 'POST', headers: { 'Content-Type': 'application/octet-stream' }, body: bytes });
      expect(binary).toMatchObject({ body: bytes.toString('base64'), isBase64Encoded: true });
    });
  });
});

async function receiveFrom(test: TestAws, queueUrl: string): Promise<Message[]> {
  return (await test.sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0, MessageSystemAttributeNames: ['All'] }))).Messages ?? [];
}

function escape(text: string): string {
  return [...text].map((c) => `U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`).join(' ');
}
