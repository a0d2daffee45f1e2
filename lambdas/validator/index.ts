import { createValidatorHandler } from './handler';

export const handler = createValidatorHandler();
