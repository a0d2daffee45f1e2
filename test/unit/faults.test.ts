import * as dynamodbApi from '@aws-sdk/client-dynamodb';
import * as sqsApi from '@aws-sdk/client-sqs';
import { commandNames, FaultInjector, InvalidFaultError, parseFaultSpec } from '../../local/faults';

const OPERATIONS = { dynamodb: commandNames(dynamodbApi), sqs: commandNames(sqsApi) };

describe('Local fault injection (POST /_local/faults)', () => {
  it('accepts a service, an operation and an optional duration', () => {
    expect(parseFaultSpec({ service: 'sqs', operation: 'SendMessage' }, OPERATIONS)).toEqual({ service: 'sqs', operation: 'SendMessage' });
    expect(parseFaultSpec({ service: 'dynamodb', operation: 'PutItem', seconds: 2.5 }, OPERATIONS)).toEqual({ service: 'dynamodb', operation: 'PutItem', seconds: 2.5 });
  });

  it('names every bad field at once', () => {
    let error: unknown;
    try {
      parseFaultSpec({ service: 'sns', operation: 'Send Message!', seconds: 0 }, OPERATIONS);
    } catch (thrown) {
      error = thrown;
    }
    expect(error).toBeInstanceOf(InvalidFaultError);
    expect((error as InvalidFaultError).details.map((detail) => detail.field)).toEqual(['service', 'operation', 'seconds']);
    expect(() => parseFaultSpec(null, OPERATIONS)).toThrow(InvalidFaultError);
  });

  it("refuses an operation the service's API does not have (a misspelt fault would do nothing)", () => {
    expect(() => parseFaultSpec({ service: 'sqs', operation: 'SendMesage' }, OPERATIONS)).toThrow(/operation must be an operation of the service's API/);
    expect(() => parseFaultSpec({ service: 'dynamodb', operation: 'SendMessage' }, OPERATIONS)).toThrow(InvalidFaultError);
    expect(OPERATIONS.sqs.has('ReceiveMessage') && OPERATIONS.dynamodb.has('TransactWriteItems')).toBe(true);
  });

  it('refuses only the chosen operation of the chosen service, counts refusals, and ends on time', () => {
    let now = 1_000_000;
    const injector = new FaultInjector(() => now);
    injector.add({ service: 'sqs', operation: 'SendMessage', seconds: 2 });
    expect(injector.refuses('sqs', 'ReceiveMessage')).toBe(false);
    expect(injector.refuses('dynamodb', 'SendMessage')).toBe(false);
    expect(injector.refuses('sqs', 'SendMessage')).toBe(true);
    expect(injector.refuses('sqs', 'SendMessage')).toBe(true);
    expect(injector.list()).toEqual([{ service: 'sqs', operation: 'SendMessage', seconds: 2, refused: 2, until: new Date(1_002_000).toISOString() }]);
    now += 2000;
    expect(injector.refuses('sqs', 'SendMessage')).toBe(false);
    expect(injector.list()).toEqual([]);
  });

  it('keeps a fault without a duration until cleared', () => {
    let now = 0;
    const injector = new FaultInjector(() => now);
    injector.add({ service: 'dynamodb', operation: 'GetItem' });
    now += 86_400_000;
    expect(injector.refuses('dynamodb', 'GetItem')).toBe(true);
    injector.clear();
    expect(injector.refuses('dynamodb', 'GetItem')).toBe(false);
  });
});
