#!/usr/bin/env node
// Writes the extension's Marketplace icon, extension/images/icon.png, as extension/scripts/icon-draw.mjs draws it.
//   node extension/scripts/icon.mjs           rewrite the icon
//   node extension/scripts/icon.mjs --check   exit 1 when the committed icon differs from what is drawn (make test-ts)
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { iconPNG } from './icon-draw.mjs';

const iconPath = join(dirname(fileURLToPath(import.meta.url)), '..', 'images', 'icon.png');
const png = iconPNG();
if (process.argv.includes('--check')) {
  let committed;
  try {
    committed = readFileSync(iconPath);
  } catch {
    committed = Buffer.alloc(0);
  }
  if (!committed.equals(png)) {
    console.error(`${iconPath} differs from what extension/scripts/icon-draw.mjs draws: run node extension/scripts/icon.mjs`);
    process.exitCode = 1;
  }
} else {
  writeFileSync(iconPath, png);
  console.log(`wrote ${iconPath} (${png.length} bytes)`);
}
