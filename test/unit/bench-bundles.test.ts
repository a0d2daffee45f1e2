import { HANDLER_ENV } from '../../bench/handler-env';
import { FUNCTION_ACCESS, variablesOf } from '../../topology/access';
import { FUNCTION_KEYS } from '../../topology/functions';

describe('Benchmark: bundles', () => {
  // The bundles section imports each built handler in a fresh process; a handler refuses to start
  // without its variables, so a variable declared later must reach this environment too.
  it.each(FUNCTION_KEYS)('gives %s every variable its declaration requires', (key) => {
    const required = variablesOf(key).filter((name) => !FUNCTION_ACCESS[key].optional.includes(name));
    for (const name of required) expect(HANDLER_ENV).toHaveProperty(name);
  });
});
