#!/usr/bin/env node
// Keeps package.json's manifest in step with shared/contract.json, the one source of truth for palette
// command ids, setting names and the extension's identity.
//
//   node extension/scripts/sync-contract.mjs          rewrite package.json from the contract
//   node extension/scripts/sync-contract.mjs --check  exit 1 and list every difference (make test-ts)
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { manifestDrift, applyContract } from './contract-manifest.mjs';

function main(argv) {
  const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
  const pkgPath = join(repoRoot, 'package.json');
  const pkg = JSON.parse(readFileSync(pkgPath, 'utf8'));
  const contract = JSON.parse(readFileSync(join(repoRoot, 'shared', 'contract.json'), 'utf8'));
  if (argv.includes('--check')) {
    const problems = manifestDrift(pkg, contract);
    if (problems.length > 0) {
      console.error('package.json has drifted from shared/contract.json:');
      for (const p of problems) console.error(`  - ${p}`);
      console.error('Run `make sync-contract` (node extension/scripts/sync-contract.mjs) to rewrite it.');
      return 1;
    }
    console.log('package.json matches shared/contract.json');
    return 0;
  }
  writeFileSync(pkgPath, JSON.stringify(applyContract(pkg, contract), null, 2) + '\n');
  console.log('package.json rewritten from shared/contract.json');
  return 0;
}

process.exitCode = main(process.argv.slice(2));
