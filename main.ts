/**
 * The cdktf application: one DOFS stack per environment (dofs-dev, dofs-prod).
 * `npm run synth` writes them to cdktf.out; `npx cdktf deploy dofs-dev` deploys one.
 */
import { buildApp } from './stacks/app';
import { ConfigurationError } from './stacks/config';

try {
  buildApp().app.synth();
} catch (error) {
  if (!(error instanceof ConfigurationError)) throw error;
  process.stderr.write(`${error.message}\n`);
  process.exit(1);
}
