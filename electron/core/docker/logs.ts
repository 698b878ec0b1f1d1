import type { ContainerHandle } from '../engines/client.js';

/** Splits the engine's multiplexed log stream (8-byte frame headers) when the container has no TTY. */
export function demuxLogs(buffer: Buffer): string {
  let out = '';
  let offset = 0;
  while (offset + 8 <= buffer.length) {
    const kind = buffer[offset];
    const size = buffer.readUInt32BE(offset + 4);
    if ((kind !== 1 && kind !== 2) || offset + 8 + size > buffer.length) return buffer.toString('utf8');
    out += buffer.subarray(offset + 8, offset + 8 + size).toString('utf8');
    offset += 8 + size;
  }
  return offset === buffer.length ? out : buffer.toString('utf8');
}

/** The container's last output lines, joined, for failure messages. */
export async function lastLogLines(container: ContainerHandle, lines: number): Promise<string> {
  const raw = (await container.logs({ stdout: true, stderr: true, tail: lines, follow: false })) as unknown as Buffer;
  const text = Buffer.isBuffer(raw) ? demuxLogs(raw) : String(raw);
  return text.trim().split('\n').slice(-lines).join(' | ').slice(0, 300);
}
