// How a TypeScript entry point becomes one ES module for Node (server, benchmarks, fakes): bundled
// with esbuild, packages left external (native modules, embedded postgres).
import { build } from 'esbuild';

/** Bundles `entry` into `outfile`; `extra` adds esbuild options (sourcemap, metafile…). */
export function bundleForNode(entry, outfile, extra = {}) {
  return build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20.19',
    packages: 'external',
    logLevel: 'warning',
    ...extra,
  });
}
