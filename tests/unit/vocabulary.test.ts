import { describe, expect, it } from 'vitest';
import { applyReplacements, parseVocabulary } from '../../src/engine/vocabulary';

describe('parseVocabulary', () => {
  it('reads terms and replacement lines, ignoring blank lines and extra spaces', () => {
    const vocabulary = parseVocabulary('Kubernetes\n\n  get   hub =>  GitHub \r\nDr Okonkwo\nsequel=>SQL\n   \n');
    expect(vocabulary.terms).toEqual(['Kubernetes', 'Dr Okonkwo']);
    expect(vocabulary.rules).toEqual([
      { heard: ['get', 'hub'], written: 'GitHub' },
      { heard: ['dr', 'okonkwo'], written: 'Dr Okonkwo' },
      { heard: ['sequel'], written: 'SQL' },
      { heard: ['kubernetes'], written: 'Kubernetes' },
    ]);
  });

  it('keeps a lowercase term as a term only: nothing to respell', () => {
    expect(parseVocabulary('tofu')).toEqual({ terms: ['tofu'], rules: [] });
  });

  it('ignores lines with no words, an empty side, and repeated terms', () => {
    expect(parseVocabulary('=> GitHub\nget hub =>\n---\nZed\nZed')).toEqual({
      terms: ['Zed'],
      rules: [{ heard: ['zed'], written: 'Zed' }],
    });
  });

  it('lets an explicit line win over a term spelled with the same words', () => {
    expect(parseVocabulary('Py Torch\npy torch => PyTorch').rules).toEqual([
      { heard: ['py', 'torch'], written: 'PyTorch' },
    ]);
  });
});

describe('applyReplacements', () => {
  const rules = parseVocabulary(
    [
      'get hub => GitHub',
      'sequel => SQL',
      'new york => New York',
      'new york city => NYC',
      'colour => color',
      'wiki => wiki page',
      'Kubernetes',
      "o'neil => O'Neill",
    ].join('\n'),
  ).rules;

  const cases: [string, string][] = [
    ['I pushed it to get hub.', 'I pushed it to GitHub.'],
    // Moonshine's punctuation and capitals between and around the heard words.
    ['I pushed it to Get, hub.', 'I pushed it to GitHub.'],
    ['Get-hub, please.', 'GitHub, please.'],
    ['Sequel is fast.', 'SQL is fast.'],
    ['We moved to New York city last year.', 'We moved to NYC last year.'],
    ['We moved to new york.', 'We moved to New York.'],
    // A lowercase `written` takes the model's case.
    ['Colour matters, colour.', 'Color matters, color.'],
    ['COLOUR', 'COLOR'],
    ['Wiki is down.', 'Wiki page is down.'],
    // A term with capitals is spelled as listed.
    ['Deploy it on kubernetes today.', 'Deploy it on Kubernetes today.'],
    ['"kubernetes"', '"Kubernetes"'],
    ["Ask o'neil.", "Ask O'Neill."],
    ['Ask O\u2019Neil.', "Ask O'Neill."],
    // Whole words only.
    ['The sequels were forgettable.', 'The sequels were forgettable.'],
    ['Get the hub.', 'Get the hub.'],
    ['Colourful hubcaps.', 'Colourful hubcaps.'],
    ['', ''],
  ];
  it.each(cases)('%j → %j', (input, expected) => {
    expect(applyReplacements(input, rules)).toBe(expected);
  });

  it('returns the text itself when there are no rules', () => {
    expect(applyReplacements('get hub', [])).toBe('get hub');
  });
});
