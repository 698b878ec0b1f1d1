// Tray icons drawn in code: a ring with a status dot, in a dark variant for light menu bars
// and a light variant for dark ones. Generating them keeps binary images out of the repo.
import { deflateSync } from 'node:zlib';
import type { AppStatus } from '../../shared/api.js';

export type TrayTheme = 'light' | 'dark';

const STATUS_RGB: Record<AppStatus, [number, number, number]> = {
  idle: [46, 160, 67],
  checking: [36, 99, 235],
  'update-available': [230, 145, 0],
  refreshing: [36, 99, 235],
  error: [215, 38, 45],
};

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(data: Buffer): number {
  let crc = 0xffffffff;
  for (const byte of data) crc = CRC_TABLE[(crc ^ byte) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** Encodes RGBA pixels as a PNG. */
export function encodePng(width: number, height: number, rgba: Buffer): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = 6; // RGBA
  const rows = Buffer.alloc((width * 4 + 1) * height);
  for (let y = 0; y < height; y++) rgba.copy(rows, y * (width * 4 + 1) + 1, y * width * 4, (y + 1) * width * 4);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(rows)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

export function trayIconPng(status: AppStatus, theme: TrayTheme, size = 32): Buffer {
  const rgba = Buffer.alloc(size * size * 4);
  const ink = theme === 'light' ? [34, 34, 34] : [238, 238, 238];
  const c = (size - 1) / 2;
  const outer = size * 0.46;
  const inner = size * 0.34;
  const dot = size * 0.22;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const d = Math.hypot(x - c, y - c);
      const i = (y * size + x) * 4;
      let color: number[] | null = null;
      if (d <= dot) color = STATUS_RGB[status];
      else if (d <= outer && d >= inner) color = ink;
      if (!color) continue;
      rgba[i] = color[0]!;
      rgba[i + 1] = color[1]!;
      rgba[i + 2] = color[2]!;
      rgba[i + 3] = 255;
    }
  }
  return encodePng(size, size, rgba);
}
