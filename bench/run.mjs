// Runs benchmarks: `npm run bench` (all) or `npm run bench -- api` (one). Each bench/<name>.ts is
// bundled with esbuild (packages stay external) and run in its own node process.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync } from 'node:fs';
import { bundleForNode } from '../scripts/node-bundle.mjs';

const wanted = process.argv.slice(2);
const names = readdirSync('bench')
  .filter((f) => f.endsWith('.bench.ts'))
  .map((f) => f.replace(/\.bench\.ts$/, ''))
  .filter((n) => wanted.length === 0 || wanted.includes(n));
if (names.length === 0) {
  console.error(`no benchmark matches ${wanted.join(', ')}`);
  process.exit(1);
}
mkdirSync('dist/bench', { recursive: true });
let failed = false;
for (const name of names) {
  const outfile = `dist/bench/${name}.mjs`;
  await bundleForNode(`bench/${name}.bench.ts`, outfile);
  console.log(`\n=== ${name} ===`);
  const r = spawnSync(process.execPath, [outfile], { stdio: 'inherit' });
  if (r.status !== 0) failed = true;
}
process.exit(failed ? 1 : 0);
