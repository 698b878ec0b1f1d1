import { describe, expect, it } from 'vitest';
import { safeText } from '../../electron/core/util/safe-text.js';

describe('safeText', () => {
  it('strips CSI colours, OSC titles, bells and other controls', () => {
    expect(safeText('\x1b]0;pwned\x07\x1b[31mred\x1b[0m alert\x00\x7f\x9b')).toBe('red alert');
    expect(safeText('a\x1b]2;title\x1b\\b')).toBe('ab');
  });

  it('masks the given values, longest first, but not ones too short to be secrets', () => {
    expect(safeText('DB_PASSWORD=hunter2-secret user=hunter2 on=1', { secrets: ['hunter2', 'hunter2-secret', '1'] })).toBe('DB_PASSWORD=*** user=*** on=1');
  });

  it('folds lines into one unless asked to keep them, and bounds the length', () => {
    expect(safeText('one\r\ntwo\n\nthree\n')).toBe('one | two | three');
    expect(safeText('one\ntwo', { multiline: true })).toBe('one\ntwo');
    expect(safeText('x'.repeat(50), { max: 10 })).toBe(`${'x'.repeat(9)}…`);
  });
});
