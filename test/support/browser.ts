import { existsSync } from 'node:fs';

/**
 * Debian's chromium (`npm run ci:install-tools -- chromium`) drives the console tests, which run in
 * `npm run test:browser` and `npm run test:all`, never in `npm test`. Without it they fail, naming it.
 */
const CANDIDATES = [process.env.DOFS_CHROMIUM, '/usr/bin/chromium', '/usr/bin/chromium-browser'];

export class MissingBrowserError extends Error {
  constructor() {
    super('The console tests need Chromium at /usr/bin/chromium: install it with `npm run ci:install-tools -- chromium` (Debian), or set DOFS_CHROMIUM to its path.');
    this.name = 'MissingBrowserError';
  }
}

export function chromiumPath(): string {
  const found = CANDIDATES.find((path): path is string => Boolean(path) && existsSync(path!));
  if (!found) throw new MissingBrowserError();
  return found;
}

/** The flags a root, offline CI machine needs (no sandbox as root, no calls home). */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** WCAG 2 contrast ratio of two CSS rgb()/rgba() colours. */
export function contrastRatio(foreground: string, background: string): number {
  const luminance = (color: string) => {
    const [r, g, b] = (color.match(/[\d.]+/g) ?? []).slice(0, 3).map((part) => {
      const channel = Number(part) / 255;
      return channel <= 0.03928 ? channel / 12.92 : ((channel + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
  };
  const [light, dark] = [luminance(foreground), luminance(background)].sort((a, b) => b - a);
  return (light! + 0.05) / (dark! + 0.05);
}
