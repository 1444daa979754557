// What a .vsix of this extension holds, exactly: the manifest files vsce writes, package.json, the user-facing
// README and CHANGELOG, the icon, the bundle and the one server binary of the package's platform. Nothing else
// (no sources, maps, tests, node_modules or other platforms' binaries).
// Pure functions; extension/scripts/vsix-files.mjs checks a package with them.

/** The entries a package for the vsce target (linux-x64, win32-x64, …) must hold, sorted. */
export function expectedEntries(target) {
  const exe = target.startsWith('win32-') ? '.exe' : '';
  return [
    '[Content_Types].xml',
    'extension.vsixmanifest',
    'extension/package.json',
    'extension/readme.md',
    'extension/changelog.md',
    'extension/images/icon.png',
    'extension/dist/extension.js',
    `extension/bin/${target}/goproxy-doctor${exe}`,
  ].sort();
}

/** The file names in a zip's central directory, sorted. */
export function zipEntries(buf) {
  const min = Math.max(0, buf.length - 22 - 0xffff);
  let end = -1;
  for (let i = buf.length - 22; i >= min; i--) {
    if (buf.readUInt32LE(i) === 0x06054b50) {
      end = i;
      break;
    }
  }
  if (end < 0) throw new Error('not a zip file: no end of central directory');
  const count = buf.readUInt16LE(end + 10);
  let p = buf.readUInt32LE(end + 16);
  const names = [];
  for (let i = 0; i < count; i++) {
    if (buf.readUInt32LE(p) !== 0x02014b50) throw new Error(`bad central directory entry ${i}`);
    const nameLen = buf.readUInt16LE(p + 28);
    const extraLen = buf.readUInt16LE(p + 30);
    const commentLen = buf.readUInt16LE(p + 32);
    names.push(buf.subarray(p + 46, p + 46 + nameLen).toString('utf8'));
    p += 46 + nameLen + extraLen + commentLen;
  }
  return names.sort();
}

/** The differences between a package's entries and the expected ones, as readable lines (empty: exact). */
export function entryDrift(have, want) {
  const problems = [];
  for (const w of want) if (!have.includes(w)) problems.push(`missing: ${w}`);
  for (const h of have) if (!want.includes(h)) problems.push(`not expected: ${h}`);
  return problems;
}
