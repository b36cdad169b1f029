// Bundles the server into dist/cli.js; packages stay external (native modules, embedded postgres).
import { build } from 'esbuild';

const { metafile } = await build({
  entryPoints: ['src/cli.ts'],
  outfile: 'dist/cli.js',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20.19',
  packages: 'external',
  sourcemap: true,
  metafile: true,
  logLevel: 'warning',
});

// Development fakes (fakes/) are never shipped: src/ must not import them.
const fromFakes = Object.keys(metafile.inputs).filter((f) => f.startsWith('fakes/'));
if (fromFakes.length > 0) {
  console.error(`the server bundle must not contain development fakes: ${fromFakes.join(', ')}`);
  process.exit(1);
}
