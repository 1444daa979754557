#!/usr/bin/env node
// Checks that a .vsix holds exactly the files the extension needs (extension/scripts/vsix-entries.mjs); every
// vsix-<target> build runs it, and make test-vsix.
//   node extension/scripts/vsix-files.mjs --check FILE.vsix TARGET   exit 1 and list the differences
import { readFileSync } from 'node:fs';
import { entryDrift, expectedEntries, zipEntries } from './vsix-entries.mjs';

const [flag, file, target] = process.argv.slice(2);
if (flag !== '--check' || !file || !target) {
  console.error('usage: vsix-files.mjs --check FILE.vsix TARGET');
  process.exit(2);
}
const problems = entryDrift(zipEntries(readFileSync(file)), expectedEntries(target));
if (problems.length > 0) {
  console.error(`${file} does not hold exactly what the extension needs:`);
  for (const p of problems) console.error(`  - ${p}`);
  process.exitCode = 1;
} else {
  console.log(`${file}: exactly the ${expectedEntries(target).length} expected files`);
}
