import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { COMMAND_PHRASES, parseUtterance } from '../../src/engine/commands';
import { DecodeBiasing, SHORT_SEGMENT_SAMPLES } from '../../src/engine/short-segment';
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

  it('leans towards the commands on short segments only', () => {
    const short = commandsOnly.forSamples(SHORT_SEGMENT_SAMPLES);
    expect(short).not.toBeNull();
    const comma = biasTokenizer.encode('comma', true)[0] as number;
    const logits = new Float32Array(biasTokenizer.pieces.length);
    short?.begin().apply(logits, 0);
    expect(logits[comma]).toBeGreaterThan(0);
    expect(commandsOnly.forSamples(SHORT_SEGMENT_SAMPLES + 1)).toBeNull();
  });

  it('keeps the listed terms on every segment, adding the commands on short ones', () => {
    const both = DecodeBiasing.build(['Kubernetes'], true, biasTokenizer);
    const long = both.forSamples(10 * SHORT_SEGMENT_SAMPLES);
    const short = both.forSamples(1);
    expect(long?.startTokens).toBeGreaterThan(0);
    expect(short?.startTokens).toBeGreaterThan(long?.startTokens ?? 0);
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
});
