import { App } from 'cdktf';
import { ENVIRONMENTS, loadConfig } from './config';
import { DofsStack } from './dofs-stack';

export interface DofsAppOptions {
  /** Where to synthesize; cdktf's default (cdktf.out, or what the CLI passes) when absent. */
  readonly outdir?: string;
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly bundleDir?: string;
}

/** Every DOFS stack in one construct tree: dofs-dev and dofs-prod. */
export function buildApp(options: DofsAppOptions = {}): { app: App; stacks: DofsStack[] } {
  const app = new App(options.outdir ? { outdir: options.outdir } : {});
  const stacks = ENVIRONMENTS.map(
    (environment) =>
      new DofsStack(app, `dofs-${environment}`, {
        config: loadConfig(environment, options.env ?? process.env),
        ...(options.bundleDir ? { bundleDir: options.bundleDir } : {}),
      }),
  );
  return { app, stacks };
}
