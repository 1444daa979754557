// The Marketplace package: exactly the files the extension needs, the icon the script draws, a user-facing
// README that documents every setting and links its screenshots.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
// @ts-expect-error: a plain ES module script without type declarations.
import { entryDrift, expectedEntries, zipEntries } from '../../scripts/vsix-entries.mjs';
// @ts-expect-error: a plain ES module script without type declarations.
import { iconPNG, SIZE } from '../../scripts/icon-draw.mjs';
// @ts-expect-error: a plain ES module script without type declarations.
import { packVsix } from '../../../test/e2e/lib/vsix.mjs';
import contract from '../../../shared/contract.json';

const root = join(__dirname, '..', '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

describe('the .vsix file list', () => {
  test('is the manifest, package.json, README, CHANGELOG, icon, bundle and the one platform binary', () => {
    assert.deepEqual(expectedEntries('linux-x64'), [
      '[Content_Types].xml',
      'extension.vsixmanifest',
      'extension/bin/linux-x64/goproxy-doctor',
      'extension/changelog.md',
      'extension/dist/extension.js',
      'extension/images/icon.png',
      'extension/package.json',
      'extension/readme.md',
    ]);
    assert.ok(expectedEntries('win32-x64').includes('extension/bin/win32-x64/goproxy-doctor.exe'));
  });

  test('is read from the zip and any difference is named', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gpd-vsix-'));
    const ext = join(dir, 'ext');
    for (const f of ['package.json', 'readme.md', 'dist/extension.js', 'dist/extension.js.map', 'bin/linux-x64/goproxy-doctor']) {
      mkdirSync(join(ext, f, '..'), { recursive: true });
      writeFileSync(join(ext, f), f);
    }
    const entries = zipEntries(readFileSync(packVsix(ext, join(dir, 'x.vsix'))));
    assert.deepEqual(entries, ['extension/bin/linux-x64/goproxy-doctor', 'extension/dist/extension.js', 'extension/dist/extension.js.map', 'extension/package.json', 'extension/readme.md']);
    assert.deepEqual(entryDrift(entries, expectedEntries('linux-x64')), [
      'missing: [Content_Types].xml',
      'missing: extension.vsixmanifest',
      'missing: extension/changelog.md',
      'missing: extension/images/icon.png',
      'not expected: extension/dist/extension.js.map',
    ]);
    assert.throws(() => zipEntries(Buffer.from('not a zip, long enough to hold an end record')), /not a zip/);
  });

  test('.vscodeignore allows only those files', () => {
    const allowed = readFileSync(join(root, '.vscodeignore'), 'utf8')
      .split('\n')
      .filter((l) => l.startsWith('!'))
      .map((l) => l.slice(1));
    assert.deepEqual(allowed.sort(), ['CHANGELOG.md', 'LICENSE', 'README.md', 'bin/*/goproxy-doctor', 'bin/*/goproxy-doctor.exe', 'dist/extension.js', 'images/icon.png', 'package.json']);
  });
});

describe('the Marketplace listing', () => {
  test('the icon is the 128×128 PNG extension/scripts/icon.mjs draws', () => {
    assert.equal(pkg.icon, 'images/icon.png');
    const png = readFileSync(join(root, 'extension', 'images', 'icon.png'));
    assert.ok(png.equals(iconPNG()), 'run node extension/scripts/icon.mjs');
    assert.equal(SIZE, 128);
    assert.equal(png.readUInt32BE(16), 128);
    assert.equal(png.readUInt32BE(20), 128);
  });

  test('the user README documents every setting and command, and its screenshots are committed', () => {
    const readme = readFileSync(join(root, 'extension', 'README.md'), 'utf8');
    for (const s of contract.settings) assert.ok(readme.includes(`\`${s.name}\``), `README lacks ${s.name}`);
    for (const c of contract.paletteCommands) assert.ok(readme.includes(`| ${c.title} |`), `README lacks ${c.title}`);
    assert.match(readme, /## Workspace trust/);
    const images = [...readme.matchAll(/!\[[^\]]+\]\(([^)]+)\)/g)].map((m) => m[1]);
    assert.ok(images.length >= 5, `screenshots: ${images}`);
    for (const img of images) assert.ok(existsSync(join(root, 'extension', img)), `${img} is missing`);
    const changelog = readFileSync(join(root, 'extension', 'CHANGELOG.md'), 'utf8');
    assert.match(changelog, new RegExp(`^## ${pkg.version.replace(/\./g, '\\.')}$`, 'm'));
  });
});
