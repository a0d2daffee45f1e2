import { readFileSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { join } from 'node:path';
import { sendJson } from './http-util';

const FILES = {
  'index.html': 'text/html; charset=utf-8',
  'app.js': 'text/javascript; charset=utf-8',
  'app.css': 'text/css; charset=utf-8',
} as const;

export type ConsoleFile = keyof typeof FILES;

// The page loads only its own script and style and talks only to this runtime.
const SECURITY_HEADERS = {
  'content-security-policy': "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-cache',
};

/** The console's three files, read once from the build output (dist/console). */
export class ConsoleAssets {
  private readonly files = new Map<ConsoleFile, Buffer>();

  constructor(directory: string) {
    for (const name of Object.keys(FILES) as ConsoleFile[]) {
      try {
        this.files.set(name, readFileSync(join(directory, name)));
      } catch {
        // Served as a 404 that says how to build it; the API works without the console.
      }
    }
  }

  send(res: ServerResponse, name: ConsoleFile): void {
    const body = this.files.get(name);
    if (!body) return sendJson(res, 404, { error: `The console is not built (${name} missing): run npm run build` });
    res.writeHead(200, { 'content-type': FILES[name], 'content-length': body.length, ...SECURITY_HEADERS });
    res.end(body);
  }
}
