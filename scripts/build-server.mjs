// Bundles the server into dist/cli.js (scripts/node-bundle.mjs).
import { bundleForNode } from './node-bundle.mjs';

const { metafile } = await bundleForNode('src/cli.ts', 'dist/cli.js', { sourcemap: true, metafile: true });

// Development fakes (fakes/) are never shipped: src/ must not import them.
const fromFakes = Object.keys(metafile.inputs).filter((f) => f.startsWith('fakes/'));
if (fromFakes.length > 0) {
  console.error(`the server bundle must not contain development fakes: ${fromFakes.join(', ')}`);
  process.exit(1);
}
