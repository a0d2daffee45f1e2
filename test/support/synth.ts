import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { buildApp } from '../../app/build-app';

export type TerraformJson = {
  terraform: Record<string, unknown>;
  resource: Record<string, Record<string, Record<string, unknown>>>;
  data?: Record<string, Record<string, Record<string, unknown>>>;
  output?: Record<string, { value: string }>;
};

/**
 * Synthesizes every stack as `npm run synth` does, into <fresh project dir>/cdktf.out, and returns that
 * cdktf.out. Local state lands in its parent, as it lands in the project root for a user.
 */
export function synthToDir(env: Record<string, string | undefined> = {}): string {
  const outdir = join(mkdtempSync(join(tmpdir(), 'dofs-synth-')), 'cdktf.out');
  buildApp({ outdir, env }).app.synth();
  return outdir;
}

/** Removes what synthToDir made, state included. */
export function removeSynthDir(outdir: string): void {
  rmSync(dirname(outdir), { recursive: true, force: true });
}

export function readStack(outdir: string, stack: string): TerraformJson {
  return JSON.parse(readFileSync(join(outdir, 'stacks', stack, 'cdk.tf.json'), 'utf8')) as TerraformJson;
}

/** Every resource of one type, by its `name`-like attribute (function_name, name, alarm_name, ...). */
export function resourcesOf(json: TerraformJson, type: string): Record<string, unknown>[] {
  return Object.values(json.resource[type] ?? {});
}
