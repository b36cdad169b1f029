// Runs a development fake: `node scripts/fake.mjs amocrm` bundles fakes/amocrm/main.ts into
// dist/fakes/amocrm.js (scripts/node-bundle.mjs) and runs it in this process. Any fakes/<name>/main.ts
// works the same way, so a new fake needs only its folder and a `fake:<name>` line in package.json.
import { existsSync, readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { bundleForNode } from './node-bundle.mjs';

const name = process.argv[2];
const known = readdirSync('fakes', { withFileTypes: true })
  .filter((d) => d.isDirectory() && existsSync(`fakes/${d.name}/main.ts`))
  .map((d) => d.name);
if (!name || !known.includes(name)) {
  console.error(`usage: node scripts/fake.mjs <name>, one of: ${known.join(', ')}`);
  process.exit(2);
}

const outfile = `dist/fakes/${name}.js`;
await bundleForNode(`fakes/${name}/main.ts`, outfile);

// Imported here rather than spawned: the fake handles Ctrl+C itself, with no second process in between.
await import(pathToFileURL(resolve(outfile)).href);
