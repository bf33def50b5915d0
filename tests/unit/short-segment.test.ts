import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_BIAS } from '../../src/engine/biasing';
import { COMMAND_PHRASES, parseUtterance } from '../../src/engine/commands';
import { DecodeBiasing, INLINE_MARK_BONUS, SHORT_SEGMENT_SAMPLES } from '../../src/engine/short-segment';
import { biasTokenizer } from '../../src/engine/tokenizer';

describe('COMMAND_PHRASES', () => {
  it('holds one spelling of every command, each of which the parser acts on when said alone', () => {
    expect(COMMAND_PHRASES).toContain('comma');
    expect(COMMAND_PHRASES).toContain('scratch that');
    expect(COMMAND_PHRASES).toContain('stop listening');
    expect(COMMAND_PHRASES).not.toContain('fullstop');
    for (const phrase of COMMAND_PHRASES) {
      const said = parseUtterance(`${phrase[0]?.toUpperCase()}${phrase.slice(1)}.`);
      // Either an action, or only the mark: no word of the phrase left.
      if (said.kind === 'text') expect(said.text, phrase).not.toMatch(/\p{L}/u);
    }
  });
});

describe('DecodeBiasing', () => {
  const commandsOnly = DecodeBiasing.build([], true, biasTokenizer);

  /** The bonus each word's first token gets at the start of a decode of `samples`. */
  const startBonus = (biasing: DecodeBiasing, samples: number, word: string) => {
    const logits = new Float32Array(biasTokenizer.pieces.length);
    biasing.forSamples(samples)?.begin().apply(logits, 0);
    return logits[biasTokenizer.encode(word, true)[0] as number];
  };

  it('leans towards every command on short segments, and towards the inline marks, less, on longer ones', () => {
    expect(startBonus(commandsOnly, SHORT_SEGMENT_SAMPLES, 'comma')).toBe(DEFAULT_BIAS.bonus);
    expect(startBonus(commandsOnly, SHORT_SEGMENT_SAMPLES, 'scratch')).toBe(DEFAULT_BIAS.bonus);
    expect(startBonus(commandsOnly, SHORT_SEGMENT_SAMPLES + 1, 'comma')).toBe(INLINE_MARK_BONUS);
    expect(INLINE_MARK_BONUS).toBeLessThan(DEFAULT_BIAS.bonus);
    // A standalone command counts only as a whole (short) segment: nothing leans towards it in a sentence.
    expect(startBonus(commandsOnly, SHORT_SEGMENT_SAMPLES + 1, 'scratch')).toBe(0);
  });

  it('keeps the listed terms, at their own bonus, on every segment, adding the commands on short ones', () => {
    const both = DecodeBiasing.build(['Kubernetes'], true, biasTokenizer);
    const long = both.forSamples(10 * SHORT_SEGMENT_SAMPLES);
    const short = both.forSamples(1);
    expect(long?.startTokens).toBeGreaterThan(0);
    expect(short?.startTokens).toBeGreaterThan(long?.startTokens ?? 0);
    expect(startBonus(both, 10 * SHORT_SEGMENT_SAMPLES, 'Kubernetes')).toBe(DEFAULT_BIAS.bonus);
    expect(startBonus(both, 10 * SHORT_SEGMENT_SAMPLES, 'comma')).toBe(INLINE_MARK_BONUS);
  });

  it('with voice commands off, short segments get only the listed terms', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10 * SHORT_SEGMENT_SAMPLES }), (samples) => {
        expect(DecodeBiasing.build([], false, biasTokenizer).forSamples(samples)).toBeNull();
        const listed = DecodeBiasing.build(['Kubernetes'], false, biasTokenizer);
        expect(listed.forSamples(samples)).toBe(listed.forSamples(10 * SHORT_SEGMENT_SAMPLES));
      }),
      { numRuns: 20 },
    );
  });

  it('gives the command rescue to short segments only, and only while commands are on', () => {
    expect(commandsOnly.rescueFor(SHORT_SEGMENT_SAMPLES)).not.toBeNull();
    expect(commandsOnly.rescueFor(SHORT_SEGMENT_SAMPLES + 1)).toBeNull();
    expect(DecodeBiasing.build(['Kubernetes'], false, biasTokenizer).rescueFor(1)).toBeNull();
  });
});
