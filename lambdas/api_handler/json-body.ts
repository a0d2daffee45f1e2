/** What a request body's JSON text holds beyond its value: see inspectJson. */
export interface JsonShape {
  /** The first key that appears twice in one object, if any. */
  readonly duplicateKey: string | undefined;
  /** How deeply objects and arrays nest (a flat order is 1). */
  readonly depth: number;
}

/**
 * Looks at valid JSON text for two things JSON.parse lets through. A duplicated key: JSON.parse keeps
 * the last one, so `{"quantity":1,"quantity":1000}` would be read as whatever came last, which not every
 * JSON reader agrees on. Deep nesting: an order is flat, and thousands of levels exhaust the recursion
 * of the SDKs and the workflow engine downstream.
 */
export function inspectJson(text: string): JsonShape {
  const scopes: (Set<string> | null)[] = []; // a Set per open object, null per open array
  let depth = 0;
  let duplicateKey: string | undefined;
  for (let index = 0; index < text.length; index += 1) {
    const char = text[index]!;
    if (char === '{' || char === '[') {
      scopes.push(char === '{' ? new Set() : null);
      depth = Math.max(depth, scopes.length);
    } else if (char === '}' || char === ']') {
      scopes.pop();
    } else if (char === '"') {
      const end = endOfString(text, index);
      const keys = scopes.at(-1);
      if (keys && duplicateKey === undefined && isKeyPosition(text, end)) {
        const key = JSON.parse(text.slice(index, end + 1)) as string;
        if (keys.has(key)) duplicateKey = key;
        keys.add(key);
      }
      index = end;
    }
  }
  return { duplicateKey, depth };
}

/** Index of the closing quote of the string starting at `start`. */
function endOfString(text: string, start: number): number {
  let index = start + 1;
  while (text[index] !== '"') index += text[index] === '\\' ? 2 : 1;
  return index;
}

/** A string inside an object is a key when the next non-space character is a colon. */
function isKeyPosition(text: string, end: number): boolean {
  let index = end + 1;
  while (/\s/.test(text[index] ?? '')) index += 1;
  return text[index] === ':';
}
