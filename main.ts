/**
 * The cdktf application: one DOFS stack per environment (dofs-dev, dofs-prod), the pipeline and the state
 * bootstrap. `npm run synth` writes them to cdktf.out; `npx cdktf deploy dofs-dev` deploys one.
 */
import { buildApp } from './app/build-app';
import { ConfigurationError } from './topology/env';

try {
  buildApp().app.synth();
} catch (error) {
  if (!(error instanceof ConfigurationError)) throw error;
  process.stderr.write(`${error.message}\n`);
  process.exit(1);
}
