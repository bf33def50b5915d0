import { describe, expect, it } from 'vitest';
import { CommandRescue, RESCUE_MARGIN } from '../../src/engine/command-rescue';
import { COMMAND_PHRASES, parseUtterance } from '../../src/engine/commands';
import type { SequenceScorer } from '../../src/engine/sequence-scorer';
import { biasTokenizer } from '../../src/engine/tokenizer';

const rescue = CommandRescue.build(biasTokenizer);
const tokens = (text: string) => biasTokenizer.encode(text, true);

/** A scorer that gives each listed text its score (others -30), honouring the floor as the model's does. */
function scorer(scores: Record<string, number>): SequenceScorer & { calls: number } {
  const byTokens = new Map(Object.entries(scores).map(([text, score]) => [tokens(text).join(' '), score]));
  const fake = {
    calls: 0,
    async score(sequences: readonly (readonly number[])[], floor = Number.NEGATIVE_INFINITY) {
      fake.calls++;
      return sequences.map((sequence) => {
        const score = byTokens.get(sequence.join(' ')) ?? -30;
        // The real scorer skips a sequence only when it cannot reach the floor.
        return score >= floor ? score : Number.NEGATIVE_INFINITY;
      });
    },
  };
  return fake;
}

describe('CommandRescue', () => {
  it('takes a command the model finds nearly as likely as the text it wrote', async () => {
    const heard = 'Dear Riot,';
    const chosen = await rescue.rescue(heard, tokens(heard), scorer({ [heard]: -2.4, 'Period.': -6 }));
    expect(chosen).toBe('Period.');
    expect(parseUtterance(chosen ?? '')).toEqual({ kind: 'text', text: '.' });
  });

  it('keeps the text when every command is further than the margin below it', async () => {
    const heard = 'A blue heart,';
    const scores = { [heard]: -2.5, 'Undo that.': -2.5 - RESCUE_MARGIN - 0.1 };
    expect(await rescue.rescue(heard, tokens(heard), scorer(scores))).toBeNull();
  });

  it('takes the likeliest of several commands, counting each by its best spelling', async () => {
    const heard = 'Crouchmate,';
    const scores = { [heard]: -3, 'Scratch that,': -4, 'Scratch that.': -7, 'Stop listening.': -5 };
    expect(await rescue.rescue(heard, tokens(heard), scorer(scores))).toBe('Scratch that.');
  });

  it('is the whole utterance or nothing: an action it names is the parsed result', async () => {
    for (const [spoken, kind] of [
      ['Undo that,', 'undo'],
      ['Stop dictation.', 'stop'],
      ['Delete that,', 'scratch'],
    ] as const) {
      const chosen = await rescue.rescue('Hmm.', tokens('Hmm.'), scorer({ 'Hmm.': -1, [spoken]: -2 }));
      expect(parseUtterance(chosen ?? '').kind, spoken).toBe(kind);
    }
  });

  it('leaves a command, and text with any command word, without scoring anything', async () => {
    for (const heard of ['Period.', 'Scratch that.', 'The period.', 'Not that,', 'New life.', 'Stop losing.']) {
      const fake = scorer({ [heard]: -9, 'Comma.': -1 });
      expect(await rescue.rescue(heard, tokens(heard), fake), heard).toBeNull();
      expect(fake.calls, heard).toBe(0);
    }
  });

  it('leaves a decode with no words as it is: a cough or a breath stays nothing', async () => {
    for (const heard of ['', ' ', '...', '-']) {
      const fake = scorer({ [heard]: -30, 'Dash.': -1 });
      expect(await rescue.rescue(heard, tokens(heard), fake), JSON.stringify(heard)).toBeNull();
      expect(fake.calls).toBe(0);
    }
  });

  it('offers every command phrase', async () => {
    for (const phrase of COMMAND_PHRASES) {
      const capital = `${phrase.charAt(0).toUpperCase()}${phrase.slice(1)}.`;
      const chosen = await rescue.rescue('Hmm.', tokens('Hmm.'), scorer({ 'Hmm.': -1, [capital]: -1.5 }));
      expect(chosen, phrase).toBe(capital);
    }
  });

  it('offers nothing but the commands: whatever else scores well, the text stays', async () => {
    const near = { 'Hmm.': -1, 'Hello.': -0.5, 'Common.': -0.5, 'Next line.': -0.5, 'Colin.': -0.5 };
    expect(await rescue.rescue('Hmm.', tokens('Hmm.'), scorer(near))).toBeNull();
  });
});
