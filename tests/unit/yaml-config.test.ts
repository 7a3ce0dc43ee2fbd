// Issue #12: a YAML alias bomb in a configuration file is refused at once, in one line naming the file.
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ConfigError, parseYamlConfig } from '../../src/config/yaml-file.js';
import { binaryKind } from '../../src/seed/documents.js';

/** "Billion laughs": nine levels of nine aliases each, 9^9 strings once expanded. */
const ALIAS_BOMB = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
  .concat('bcdefghi'.split('').map((c, i) => `${c}: &${c} [${Array(9).fill(`*${'abcdefghi'[i]}`).join(',')}]`))
  .join('\n');

describe('parseYamlConfig', () => {
  it('refuses an alias bomb with a ConfigError of one line: the file, and what is wrong', () => {
    let error: unknown;
    try {
      parseYamlConfig('config/settings.yaml', ALIAS_BOMB, z.any());
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    expect(message.split('\n')).toHaveLength(1);
    expect(message).toMatch(/^config\/settings\.yaml: YAML aliases expand too far/);
  });

  it('still accepts a few aliases', () => {
    expect(parseYamlConfig('x.yaml', 'base: &b {n: 1}\none: *b\ntwo: *b\n', z.any())).toEqual({ base: { n: 1 }, one: { n: 1 }, two: { n: 1 } });
  });
});

describe('binaryKind', () => {
  it('names what a binary file is, from its signature or its NUL bytes; text is null', () => {
    expect(binaryKind(Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0]))).toBe('an executable (ELF)');
    expect(binaryKind(Buffer.from('%PDF-1.7\n'))).toBe('a PDF document');
    expect(binaryKind(Buffer.from([0x41, 0x42, 0x00, 0x43]))).toBe('binary data (it has NUL bytes)');
    expect(binaryKind(Buffer.from('الانسحاب الأمريكي\n'))).toBeNull();
    expect(binaryKind(Buffer.from([0xc7, 0xe1, 0xc7, 0xe4, 0x0a]))).toBeNull();
  });
});
