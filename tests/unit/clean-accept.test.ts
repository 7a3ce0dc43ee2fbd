import { describe, expect, it } from 'vitest';
import { notAnArticle } from '../../src/extract/accept.js';

describe('notAnArticle (the clean stage: is what is left of the page an article?)', () => {
  const WHERE = 'https://news.example/2026/12/video';
  // [case, text, tooLittleText, expected: null for an article, else a fragment of the reason]
  const cases: [string, string, boolean, string | null][] = [
    ['an article', 'نص المقال الكامل عن انسحاب القوات '.repeat(20), false, null],
    ['nothing left', '', false, 'no article text left in https://news.example/2026/12/video'],
    ['only white space left', ' \n\t ', true, 'no article text left'],
    ['too little text', 'شاهد الفيديو', true, 'too little article text in https://news.example/2026/12/video (12 characters)'],
  ];
  it.each(cases)('%s', (_name, text, tooLittleText, expected) => {
    const reason = notAnArticle({ text, tooLittleText }, WHERE);
    if (expected === null) expect(reason).toBeNull();
    else {
      expect(reason).toContain(expected);
      // One line that says what to check.
      expect(reason).toMatch(/check that it is an article \(for a feed, its rules in config\/feeds\.yaml\)$/);
      expect(reason).not.toContain('\n');
    }
  });
});
