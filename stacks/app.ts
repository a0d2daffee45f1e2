import { App } from 'cdktf';
import { BootstrapStack } from '../cicd/bootstrap-stack';
import { loadCicdConfig } from '../cicd/config';
import { CicdStack } from '../cicd/pipeline-stack';
import { ENVIRONMENTS, loadConfig } from './config';
import { DofsStack } from './dofs-stack';

export interface DofsAppOptions {
  /** Where to synthesize; cdktf's default (cdktf.out, or what the CLI passes) when absent. */
  readonly outdir?: string;
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly bundleDir?: string;
}

/** Every DOFS stack in one construct tree: dofs-dev, dofs-prod, the pipeline (dofs-cicd) and dofs-bootstrap. */
export function buildApp(options: DofsAppOptions = {}): { app: App; stacks: DofsStack[]; cicd: CicdStack; bootstrap: BootstrapStack } {
  const app = new App(options.outdir ? { outdir: options.outdir } : {});
  const stacks = ENVIRONMENTS.map(
    (environment) =>
      new DofsStack(app, `dofs-${environment}`, {
        config: loadConfig(environment, options.env ?? process.env),
        ...(options.bundleDir ? { bundleDir: options.bundleDir } : {}),
      }),
  );
  const cicdConfig = loadCicdConfig(options.env ?? process.env);
  const cicd = new CicdStack(app, 'dofs-cicd', { config: cicdConfig });
  const bootstrap = new BootstrapStack(app, 'dofs-bootstrap', { region: cicdConfig.region });
  return { app, stacks, cicd, bootstrap };
}
