import { build } from 'esbuild';
import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { lambdaBundleOptions } from '../scripts/lambda-bundle.mjs';
import { HANDLER_ENV } from './handler-env';
import { FUNCTION_KEYS, type FunctionKey } from '../topology/functions';
import type { Progress } from '../cli/progress';
import { round } from '../cli/stats';
import { median } from './stats';

export const BUNDLE_TARGETS = { extraBytes: 40 * 1024, importRatio: 1.15 };

export interface BundleFigures {
  readonly bytes: number;
  readonly gzipBytes: number;
  readonly importMs: number;
}

export interface BundleResult {
  readonly key: FunctionKey;
  readonly sdkImports: string[];
  readonly handler: BundleFigures;
  readonly floor: BundleFigures;
  readonly extraBytes: number;
  readonly importRatio: number;
  readonly meetsTargets: boolean;
  /** The largest inputs the handler adds over the floor: what to look at when a target is missed. */
  readonly largestAdditions: { path: string; bytes: number }[];
}

const IMPORT_SCRIPT = `const started = performance.now(); await import(process.argv[1]); process.stdout.write(String(performance.now() - started));`;

/** The AWS SDK names a handler imports (clients and commands), read from its own source files. */
function sdkImportsOf(sourceFiles: string[]): Map<string, Set<string>> {
  const imports = new Map<string, Set<string>>();
  for (const file of sourceFiles) {
    const source = readFileSync(file, 'utf8');
    for (const [, names, from] of source.matchAll(/^import\s+\{([^}]*)\}\s+from\s+'(@aws-sdk\/[^']+)'/gm)) {
      const values = names!.split(',').map((name) => name.trim()).filter((name) => name && !name.startsWith('type '));
      if (values.length === 0) continue;
      const set = imports.get(from!) ?? new Set<string>();
      for (const name of values) set.add(name);
      imports.set(from!, set);
    }
  }
  return imports;
}

/**
 * The floor for a handler: a bundle holding the same AWS SDK clients and commands, built the same way,
 * that builds its clients at import as the handler does, and nothing else.
 */
function floorSource(imports: Map<string, Set<string>>): string {
  const lines: string[] = [];
  const names = [...imports.values()].flatMap((set) => [...set]);
  for (const [from, set] of imports) lines.push(`import { ${[...set].join(', ')} } from '${from}';`);
  const clients = names.filter((name) => name.endsWith('Client') && name !== 'DynamoDBDocumentClient');
  lines.push(`const clients = [${clients.map((name) => `new ${name}({})`).join(', ')}];`);
  if (names.includes('DynamoDBDocumentClient')) lines.push(`clients.push(DynamoDBDocumentClient.from(clients[${clients.indexOf('DynamoDBClient')}]));`);
  lines.push(`export const commands = [${names.filter((name) => !name.endsWith('Client')).join(', ')}];`);
  lines.push('export const handler = async () => clients.length;');
  return `${lines.join('\n')}\n`;
}

async function bundle(entry: string, outfile: string) {
  const result = await build({ ...lambdaBundleOptions, entryPoints: [entry], outfile, metafile: true });
  const bytes = readFileSync(outfile);
  return { bytes: bytes.length, gzipBytes: gzipSync(bytes, { level: 9 }).length, metafile: result.metafile };
}

const execFileAsync = promisify(execFile);

/** Milliseconds from import() to a handler ready to serve, in a fresh Node process. */
async function coldImport(file: string): Promise<number> {
  const { stdout } = await execFileAsync(process.execPath, ['--input-type=module', '-e', IMPORT_SCRIPT, pathToFileURL(file).href], {
    env: { PATH: process.env.PATH, ...HANDLER_ENV },
  });
  return Number(stdout);
}

export async function benchBundles(workDir: string, runs: number, progress: Progress): Promise<BundleResult[]> {
  const results: BundleResult[] = [];
  for (const key of FUNCTION_KEYS) {
    const dir = join(workDir, 'bundles', key);
    mkdirSync(dir, { recursive: true });
    const handler = await bundle(resolve('lambdas', key, 'index.ts'), join(dir, 'handler.mjs'));
    const ownSources = Object.keys(handler.metafile.inputs).filter((path) => !path.includes('node_modules'));
    const imports = sdkImportsOf(ownSources);
    // The floor's entry sits in the repository so that it resolves the same node_modules.
    const floorEntry = join(dir, 'floor-entry.mjs');
    writeFileSync(floorEntry, floorSource(imports));
    const floor = await bundle(floorEntry, join(dir, 'floor.mjs'));

    // Alternate which goes first (ABBA) so that drift in machine load hits handler and floor alike.
    const handlerTimes: number[] = [];
    const floorTimes: number[] = [];
    for (let run = 1; run <= runs; run += 1) {
      progress.update(`bundles: ${key} cold import ${run}/${runs}`);
      const pair = [() => coldImport(join(dir, 'handler.mjs')).then((t) => handlerTimes.push(t)), () => coldImport(join(dir, 'floor.mjs')).then((t) => floorTimes.push(t))];
      for (const measure of run % 2 === 0 ? pair : pair.reverse()) await measure();
    }
    const floorInputs = new Set(Object.keys(floor.metafile.inputs));
    const largestAdditions = Object.entries(handler.metafile.outputs[Object.keys(handler.metafile.outputs)[0]!]!.inputs)
      .filter(([path]) => !floorInputs.has(path))
      .map(([path, { bytesInOutput }]) => ({ path, bytes: bytesInOutput }))
      .sort((a, b) => b.bytes - a.bytes)
      .slice(0, 5);
    const handlerFigures = { bytes: handler.bytes, gzipBytes: handler.gzipBytes, importMs: round(median(handlerTimes)) };
    const floorFigures = { bytes: floor.bytes, gzipBytes: floor.gzipBytes, importMs: round(median(floorTimes)) };
    const extraBytes = handler.bytes - floor.bytes;
    // Each run's handler and floor ran back to back: the median of their ratios cancels slow drift in
    // the machine's speed that the ratio of two medians would not.
    const importRatio = round(median(handlerTimes.map((time, index) => time / floorTimes[index]!)));
    results.push({
      key,
      sdkImports: [...imports.values()].flatMap((set) => [...set]),
      handler: handlerFigures,
      floor: floorFigures,
      extraBytes,
      importRatio,
      meetsTargets: extraBytes <= BUNDLE_TARGETS.extraBytes && importRatio <= BUNDLE_TARGETS.importRatio,
      largestAdditions,
    });
  }
  progress.done();
  return results;
}
