// Bundles the browser tracker (src/tracker) into one minified IIFE: dist/tracker/t.js, served at GET /t.js.
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
export const TRACKER_OUT = join(root, 'dist', 'tracker', 't.js');

/**
 * Builds the tracker in memory: `code` is the minified script, `gzipBytes` its gzipped size (the
 * CI budget is 4 KB). With `write`, also writes dist/tracker/t.js (atomically: tests may build at once).
 */
export async function buildTracker({ write = false } = {}) {
  const result = await build({
    entryPoints: [join(root, 'src', 'tracker', 'index.ts')],
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: 'es2019',
    minify: true,
    legalComments: 'none',
    write: false,
    logLevel: 'warning',
  });
  // Cyrillic patterns as \uXXXX escapes: the script then works even where it is served or saved
  // without a charset on a windows-1251 page (gzip packs the escapes as well as the UTF-8).
  const code = result.outputFiles[0].text.replace(
    /[^\0-\x7f]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
  const gzipBytes = gzipSync(code, { level: 9 }).length;
  if (write) {
    mkdirSync(dirname(TRACKER_OUT), { recursive: true });
    const tmp = `${TRACKER_OUT}.${process.pid}.tmp`;
    writeFileSync(tmp, code);
    renameSync(tmp, TRACKER_OUT);
  }
  return { code, gzipBytes };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { code, gzipBytes } = await buildTracker({ write: true });
  console.log(`dist/tracker/t.js: ${Buffer.byteLength(code)} bytes, ${gzipBytes} bytes gzipped`);
}
