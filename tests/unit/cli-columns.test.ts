import { describe, expect, it } from 'vitest';
import { alignColumns, displayWidth } from '../../src/cli/columns.js';

describe('terminal columns', () => {
  it.each([
    ['ascii', 'dl-0123', 7],
    ['Arabic letters take one cell each', 'حرير', 4],
    ['harakat and shadda take none', 'مُحَمَّد', 4],
    ['direction marks and joiners take none', '\u200fحرير\u200d', 4],
    ['wide East Asian characters take two', '東京', 4],
  ])('%s', (_name, text, width) => expect(displayWidth(text)).toBe(width));

  it('pads every column but the last to its widest cell, Arabic included', () => {
    const lines = alignColumns([
      ['a1', 'SENT', 'قاعدة حرير'],
      ['b22', 'RETRYING', 'x'],
      ['مُحَمَّد', 'DEAD', 'y'],
    ]);
    expect(lines).toEqual(['a1    SENT      قاعدة حرير', 'b22   RETRYING  x', 'مُحَمَّد  DEAD      y']);
  });
});
