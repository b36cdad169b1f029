#!/usr/bin/env node
// The CLI entry: runs the bundle `npm run build` makes (npm install runs it through `prepare`).
import { existsSync } from 'node:fs';

const bundle = new URL('../dist/cli.js', import.meta.url);
if (!existsSync(bundle)) {
  console.error('Leadtrail is not built yet: run `npm run build` (npm install does it for you).');
  process.exit(1);
}
const { main } = await import(bundle.href);
main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
