import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

export interface Fault {
  /** The command's class name, e.g. 'UpdateCommand'. */
  readonly command: string;
  readonly error: string;
  /** How many matching calls fail; later ones go through. */
  readonly times: number;
  /** Fail after the call reached the table: the write happened, the answer was lost (a timeout). */
  readonly afterApplying?: boolean;
}

export function awsError(name: string): Error {
  const error = new Error(`injected ${name}`);
  error.name = name;
  return error;
}

/**
 * A real DynamoDB document client (on dynalite) with faults injected into chosen commands: the only
 * way to see throttling and lost responses, which no emulator produces on demand.
 */
export function withFaults(client: DynamoDBDocumentClient, faults: Fault[]): DynamoDBDocumentClient & { injected: number } {
  const remaining = new Map(faults.map((fault) => [fault, fault.times]));
  let injected = 0;
  const send = async (command: { constructor: { name: string } }) => {
    const fault = faults.find((f) => f.command === command.constructor.name && (remaining.get(f) ?? 0) > 0);
    if (!fault) return client.send(command as never);
    remaining.set(fault, remaining.get(fault)! - 1);
    injected += 1;
    if (fault.afterApplying) await client.send(command as never);
    throw awsError(fault.error);
  };
  return new Proxy(client, {
    get: (target, key) => (key === 'send' ? send : key === 'injected' ? injected : (Reflect.get(target, key) as unknown)),
  }) as DynamoDBDocumentClient & { injected: number };
}
