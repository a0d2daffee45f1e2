import { App } from 'cdktf';
import { BOOTSTRAP_ENVIRONMENT, BootstrapStack } from '../cicd/bootstrap-stack';
import { loadCicdConfig } from '../cicd/config';
import { CICD_ENVIRONMENT } from '../cicd/deploy-permissions';
import { CicdStack } from '../cicd/pipeline-stack';
import { stackName } from '../platform/stack-names';
import { ENVIRONMENTS, loadConfig } from '../stacks/config';
import { DofsStack } from '../stacks/dofs-stack';

export interface DofsAppOptions {
  /** Where to synthesize; cdktf's default (cdktf.out, or what the CLI passes) when absent. */
  readonly outdir?: string;
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly bundleDir?: string;
}

/** Every DOFS stack in one construct tree: dofs-dev, dofs-prod, the pipeline (dofs-cicd) and dofs-bootstrap. */
export function buildApp(options: DofsAppOptions = {}): { app: App; stacks: DofsStack[]; cicd: CicdStack; bootstrap: BootstrapStack } {
  const app = new App(options.outdir ? { outdir: options.outdir } : {});
  const env = options.env ?? process.env;
  const stacks = ENVIRONMENTS.map(
    (environment) =>
      new DofsStack(app, stackName(environment), {
        config: loadConfig(environment, env),
        ...(options.bundleDir ? { bundleDir: options.bundleDir } : {}),
      }),
  );
  const cicdConfig = loadCicdConfig(env);
  const cicd = new CicdStack(app, stackName(CICD_ENVIRONMENT), { config: cicdConfig });
  const bootstrap = new BootstrapStack(app, stackName(BOOTSTRAP_ENVIRONMENT), { region: cicdConfig.region });
  return { app, stacks, cicd, bootstrap };
}
