import { createLogger } from '../shared/logger';
import { createValidatorHandler } from './handler';

export const handler = createValidatorHandler({ logger: createLogger('validator') });
