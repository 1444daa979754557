// Draws the extension's Marketplace icon (128×128 RGBA): a Go-blue rounded square with a white route that forks
// from one node to two (one process, two proxies). Pure: shapes rasterised with 4×4 supersampling, written as a
// PNG with node:zlib. extension/scripts/icon.mjs writes or checks extension/images/icon.png with it.
import { crc32, deflateSync } from 'node:zlib';

export const SIZE = 128;
const SS = 4;
const BLUE = [0x00, 0xad, 0xd8];
const WHITE = [0xff, 0xff, 0xff];

function inRoundedSquare(x, y) {
  const r = 26;
  const lo = 4;
  const hi = SIZE - 4;
  if (x < lo || x > hi || y < lo || y > hi) return false;
  const cx = Math.min(Math.max(x, lo + r), hi - r);
  const cy = Math.min(Math.max(y, lo + r), hi - r);
  return (x - cx) ** 2 + (y - cy) ** 2 <= r * r;
}

function distToSegment(x, y, [ax, ay], [bx, by]) {
  const dx = bx - ax;
  const dy = by - ay;
  const t = Math.max(0, Math.min(1, ((x - ax) * dx + (y - ay) * dy) / (dx * dx + dy * dy)));
  return Math.hypot(x - (ax + t * dx), y - (ay + t * dy));
}

const from = [34, 64];
const fork = [62, 64];
const up = [94, 38];
const down = [94, 90];

function inRoute(x, y) {
  const w = 5;
  if (distToSegment(x, y, from, fork) <= w || distToSegment(x, y, fork, up) <= w || distToSegment(x, y, fork, down) <= w) return true;
  return [
    [from, 13],
    [up, 12],
    [down, 12],
  ].some(([[cx, cy], r]) => Math.hypot(x - cx, y - cy) <= r);
}

/** The icon's RGBA pixels. */
export function drawIcon() {
  const px = Buffer.alloc(SIZE * SIZE * 4);
  for (let y = 0; y < SIZE; y++) {
    for (let x = 0; x < SIZE; x++) {
      let bg = 0;
      let fg = 0;
      for (let sy = 0; sy < SS; sy++) {
        for (let sx = 0; sx < SS; sx++) {
          const fx = x + (sx + 0.5) / SS;
          const fy = y + (sy + 0.5) / SS;
          if (inRoundedSquare(fx, fy)) {
            bg++;
            if (inRoute(fx, fy)) fg++;
          }
        }
      }
      const n = SS * SS;
      const i = (y * SIZE + x) * 4;
      for (let c = 0; c < 3; c++) px[i + c] = bg === 0 ? 0 : Math.round((BLUE[c] * (bg - fg) + WHITE[c] * fg) / bg);
      px[i + 3] = Math.round((255 * bg) / n);
    }
  }
  return px;
}

function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

/** The icon as PNG bytes (8-bit RGBA, no filtering, deterministic). */
export function iconPNG() {
  const px = drawIcon();
  const raw = Buffer.alloc(SIZE * (SIZE * 4 + 1));
  for (let y = 0; y < SIZE; y++) px.copy(raw, y * (SIZE * 4 + 1) + 1, y * SIZE * 4, (y + 1) * SIZE * 4);
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(SIZE, 0);
  ihdr.writeUInt32BE(SIZE, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 6; // RGBA
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

