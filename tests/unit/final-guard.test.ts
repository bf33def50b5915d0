import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  chooseSplit,
  DEFAULT_EDGE_SILENCE,
  droppedPartialWords,
  fitEdgeSilence,
  guardFinal,
  revisionAllowance,
  similarWords,
} from '../../src/engine/final-guard';

const RATE = 16000;
const ms = (n: number) => Math.round((n * RATE) / 1000);

/** Silence and "speech" (a 220 Hz tone at amplitude 0.3), concatenated: [kind, milliseconds]. */
function signal(parts: [kind: 'speech' | 'silence', ms: number][], floor = 0): Float32Array {
  const total = parts.reduce((sum, [, n]) => sum + ms(n), 0);
  const out = new Float32Array(total);
  let at = 0;
  let noise = 1;
  for (const [kind, n] of parts) {
    for (let i = 0; i < ms(n); i++, at++) {
      noise = (noise * 16807) % 2147483647; // seeded, so the test is the same every run
      const hiss = floor * ((noise / 2147483647) * 2 - 1);
      out[at] = hiss + (kind === 'speech' ? 0.3 * Math.sin((2 * Math.PI * 220 * at) / RATE) : 0);
    }
  }
  return out;
}

describe('similarWords', () => {
  it('takes truncations and small respellings as the same word', () => {
    expect(similarWords('sunday', 'sunday')).toBe(true);
    expect(similarWords('sun', 'sunday')).toBe(true); // a partial cut mid-word
    expect(similarWords('monday', 'sunday')).toBe(true);
    expect(similarWords('colour', 'color')).toBe(true);
  });

  it('keeps different words apart', () => {
    expect(similarWords('see', 'question')).toBe(false);
    expect(similarWords('on', 'mark')).toBe(false);
    expect(similarWords('a', 'an')).toBe(false); // one letter is no evidence of a truncation
  });
});

describe('droppedPartialWords', () => {
  it('flags a final that kept only the phrase after the pause', () => {
    expect(droppedPartialWords('See you on Sunday', 'Question mark.')).toEqual({
      dropped: true,
      shownWords: 4,
      missingWords: 4,
      leftOutWords: 4,
    });
    expect(droppedPartialWords('See you on Sunday, question', 'Question mark.').dropped).toBe(true);
  });

  it('flags a final that kept only the phrase before the pause', () => {
    expect(droppedPartialWords('Send the report to Anna period', 'Send the report.').dropped).toBe(true);
  });

  it('flags an empty final after a shown word', () => {
    expect(droppedPartialWords('Hello', '').dropped).toBe(true);
    expect(droppedPartialWords('Hello', '...').dropped).toBe(true);
  });

  it('accepts a final that carries the words, whatever the case and punctuation', () => {
    expect(droppedPartialWords('See you on Sunday', 'See you on Sunday? Question mark.').dropped).toBe(false);
    expect(droppedPartialWords('see you on sunday', 'SEE YOU, ON SUNDAY!').missingWords).toBe(0);
  });

  it('accepts a final that revises a word or finishes a truncated one', () => {
    expect(droppedPartialWords('See you on Sun', 'See you on Sunday.').missingWords).toBe(0);
    expect(droppedPartialWords('I will call you to', 'I will call you tomorrow.').missingWords).toBe(0);
    // "gray" → "great" is one word revised in a partial of five: within the allowance.
    expect(droppedPartialWords('The weather was gray today', 'The weather was great today.')).toMatchObject({
      dropped: false,
      missingWords: 1,
    });
  });

  it('never flags when nothing was shown', () => {
    expect(droppedPartialWords('', 'Question mark.').dropped).toBe(false);
    expect(droppedPartialWords('', '').dropped).toBe(false);
  });

  it('allows no loss up to three words, one from four, two from eight', () => {
    expect([0, 1, 3, 4, 7, 8, 20].map(revisionAllowance)).toEqual([0, 0, 0, 1, 1, 2, 2]);
  });

  const word = (letters: string) => fc.stringMatching(new RegExp(`^[${letters}]{3,8}$`));
  const punctuation = fc.constantFrom('', ',', '.', '?', '!', ';');
  const dress = (words: string[], marks: string[], upper: boolean[]) =>
    words.map((w, i) => (upper[i] ? w.toUpperCase() : w) + (marks[i] ?? '')).join(' ');

  it('property: a final that contains the partial words in order never triggers', () => {
    fc.assert(
      fc.property(
        fc.array(word('a-z'), { maxLength: 12 }),
        fc.array(fc.array(word('a-z'), { maxLength: 3 }), { maxLength: 13 }),
        fc.array(punctuation, { maxLength: 40 }),
        fc.array(fc.boolean(), { maxLength: 40 }),
        (shown, inserted, marks, upper) => {
          // The final: the partial's words with any words inserted around them, re-cased and re-punctuated.
          const finalWords = shown.flatMap((w, i) => [...(inserted[i] ?? []), w]).concat(inserted[shown.length] ?? []);
          const check = droppedPartialWords(shown.join(' '), dress(finalWords, marks, upper));
          expect(check.dropped).toBe(false);
          expect(check.missingWords).toBe(0);
        },
      ),
    );
  });

  it('property: a final with none of the partial words triggers', () => {
    fc.assert(
      fc.property(fc.array(word('a-m'), { minLength: 1, maxLength: 12 }), fc.array(word('n-z')), (shown, other) => {
        const check = droppedPartialWords(shown.join(' '), other.join(' '));
        expect(check).toEqual({
          dropped: true,
          shownWords: shown.length,
          missingWords: shown.length,
          leftOutWords: shown.length,
        });
      }),
    );
  });

  it('flags a final that kept only the phrase after the pause, however long that phrase is', () => {
    expect(droppedPartialWords('See you on Sunday', 'Question mark, period.').dropped).toBe(true);
    expect(droppedPartialWords('See you on Sunday', 'Question mark on the way.')).toMatchObject({
      dropped: true,
      leftOutWords: 2,
    });
  });

  it("takes a final that says the partial's last words differently and goes on as a revision", () => {
    // A partial on the shorter audio of a sentence still being spoken, misheard at its end.
    const check = droppedPartialWords(
      'We met at the station to bring him to the',
      'We met at the station to drink a coffee before the train left.',
    );
    expect(check).toMatchObject({ dropped: false, missingWords: 3, leftOutWords: 0 });
  });

  it('property: a final that begins as the partial did and says its later words differently never triggers', () => {
    fc.assert(
      fc.property(
        fc.array(word('a-m'), { minLength: 1, maxLength: 12 }),
        fc.array(word('n-z'), { maxLength: 12 }),
        fc.array(word('n-z'), { maxLength: 6 }),
        (shown, said, more) => {
          // The first word kept; the others replaced one for one by words the partial never had, then more words.
          const rest = shown.slice(1).map((_, i) => said[i] ?? 'zzz');
          const final = [shown[0] ?? '', ...rest, ...more].join(' ');
          expect(droppedPartialWords(shown.join(' '), final)).toMatchObject({ dropped: false, leftOutWords: 0 });
        },
      ),
    );
  });

  it('property: a final that stopped early triggers once it lost more than the allowance', () => {
    fc.assert(
      fc.property(fc.array(word('a-z'), { minLength: 1, maxLength: 12 }), fc.nat(12), (shown, keep) => {
        const kept = Math.min(keep, shown.length);
        const check = droppedPartialWords(shown.join(' '), shown.slice(0, kept).join(' '));
        expect(check.leftOutWords).toBe(shown.length - kept);
        expect(check.dropped).toBe(shown.length - kept > revisionAllowance(shown.length));
      }),
    );
  });

  it('property: dropping a whole phrase of the partial triggers once it is longer than the allowance', () => {
    fc.assert(
      fc.property(
        fc.array(word('a-m'), { minLength: 1, maxLength: 8 }),
        fc.array(word('n-z'), { minLength: 1, maxLength: 8 }),
        (before, after) => {
          // The partial showed both phrases; the final kept only the second.
          const check = droppedPartialWords(`${before.join(' ')} ${after.join(' ')}`, after.join(' '));
          expect(check.missingWords).toBe(before.length);
          expect(check.dropped).toBe(before.length > revisionAllowance(before.length + after.length));
        },
      ),
    );
  });
});

describe('chooseSplit', () => {
  it('cuts in the middle of the pause between two phrases', () => {
    const audio = signal([
      ['silence', 250],
      ['speech', 900],
      ['silence', 400],
      ['speech', 600],
      ['silence', 130],
    ]);
    const at = chooseSplit(audio);
    expect(at).not.toBeNull();
    expect(Math.abs((at ?? 0) - ms(250 + 900 + 200))).toBeLessThanOrEqual(ms(10));
  });

  it('picks the longest of several pauses', () => {
    const audio = signal([
      ['speech', 500],
      ['silence', 200],
      ['speech', 500],
      ['silence', 500],
      ['speech', 500],
    ]);
    const at = chooseSplit(audio) ?? 0;
    expect(at).toBeGreaterThan(ms(1200));
    expect(at).toBeLessThan(ms(1700));
  });

  it('finds the pause above a noise floor', () => {
    const audio = signal(
      [
        ['silence', 250],
        ['speech', 700],
        ['silence', 300],
        ['speech', 700],
        ['silence', 250],
      ],
      0.002, // about -54 dBFS of hiss under a -13 dBFS "voice"
    );
    const at = chooseSplit(audio) ?? 0;
    expect(at).toBeGreaterThan(ms(950));
    expect(at).toBeLessThan(ms(1250));
  });

  it('finds the pause in a noisy room, 20 dB under the voice', () => {
    const audio = signal(
      [
        ['silence', 250],
        ['speech', 700],
        ['silence', 300],
        ['speech', 700],
        ['silence', 250],
      ],
      0.03,
    );
    const at = chooseSplit(audio) ?? 0;
    expect(at).toBeGreaterThan(ms(950));
    expect(at).toBeLessThan(ms(1250));
  });

  it('ignores the silence at the edges, gaps inside words and pieces too short to decode', () => {
    // Only edge silence.
    expect(
      chooseSplit(
        signal([
          ['silence', 300],
          ['speech', 1500],
          ['silence', 300],
        ]),
      ),
    ).toBeNull();
    // A 60 ms stop inside a word.
    expect(
      chooseSplit(
        signal([
          ['speech', 700],
          ['silence', 60],
          ['speech', 700],
        ]),
      ),
    ).toBeNull();
    // A real pause, but the piece before its middle would be 250 ms long.
    expect(
      chooseSplit(
        signal([
          ['speech', 50],
          ['silence', 400],
          ['speech', 1000],
        ]),
      ),
    ).toBeNull();
  });

  it('returns null for silence and for audio too short to analyse', () => {
    expect(chooseSplit(new Float32Array(ms(2000)))).toBeNull();
    expect(chooseSplit(new Float32Array(100))).toBeNull();
  });

  it('property: the cut lies in a quiet run and leaves enough on both sides', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.constantFrom('speech' as const, 'silence' as const), fc.integer({ min: 20, max: 900 })), {
          minLength: 1,
          maxLength: 8,
        }),
        (parts) => {
          const audio = signal(parts);
          const at = chooseSplit(audio);
          if (at === null) return;
          expect(at).toBeGreaterThanOrEqual(ms(300));
          expect(audio.length - at).toBeGreaterThanOrEqual(ms(300));
          // The cut is digital silence, at least 60 ms from any "speech" sample.
          const window = audio.subarray(Math.max(0, at - ms(50)), at + ms(50));
          expect(window.every((v) => v === 0)).toBe(true);
        },
      ),
    );
  });
});

describe('fitEdgeSilence', () => {
  const edges = { leadMs: 100, trailMs: 100 };

  it('cuts long edge silence down to the margins', () => {
    const audio = signal([
      ['silence', 400],
      ['speech', 500],
      ['silence', 450],
    ]);
    const fitted = fitEdgeSilence(audio, edges);
    expect(fitted.length).toBe(ms(100 + 500 + 100));
    // The speech is kept whole, starting 100 ms in.
    expect(Array.from(fitted.subarray(ms(100), ms(600)))).toEqual(Array.from(audio.subarray(ms(400), ms(900))));
  });

  it('adds digital silence where the speech reaches the edge', () => {
    const audio = signal([
      ['speech', 300],
      ['silence', 40],
    ]);
    const fitted = fitEdgeSilence(audio, { leadMs: 200, trailMs: 100 });
    expect(fitted.length).toBe(ms(200 + 300 + 100));
    expect(fitted.subarray(0, ms(200)).every((v) => v === 0)).toBe(true);
    expect(Array.from(fitted.subarray(ms(200), ms(500)))).toEqual(Array.from(audio.subarray(0, ms(300))));
    expect(fitted.subarray(ms(500)).every((v) => v === 0)).toBe(true);
  });

  it('returns audio without speech unchanged', () => {
    const quiet = new Float32Array(ms(500));
    expect(fitEdgeSilence(quiet, edges)).toBe(quiet);
  });

  it('defaults to the measured 100 ms on each side', () => {
    expect(DEFAULT_EDGE_SILENCE).toEqual({ leadMs: 100, trailMs: 100 });
  });
});

describe('guardFinal', () => {
  // Two "phrases" as constant levels a stand-in decoder can recognise in any piece of the audio.
  const A = Math.fround(0.3);
  const B = 0.5;
  const WORDS_A = 'See you on Sunday.';
  const WORDS_B = 'Question mark.';
  function twoPhrases(): Float32Array {
    const parts: [number, number][] = [
      [0, 250],
      [A, 900],
      [0, 400],
      [B, 600],
      [0, 130],
    ];
    return Float32Array.from(parts.flatMap(([level, n]) => new Array<number>(ms(n)).fill(level)));
  }
  const heard = (piece: Float32Array) =>
    [piece.includes(A) ? WORDS_A : '', piece.includes(B) ? WORDS_B : ''].filter(Boolean).join(' ');

  /** Wraps a stand-in decoder, recording the length of every piece it was given. */
  function recorded(decode: (piece: Float32Array) => string) {
    const pieces: number[] = [];
    return {
      pieces,
      decode: async (piece: Float32Array) => {
        pieces.push(piece.length);
        return decode(piece);
      },
    };
  }

  it('decodes a slightly different range when the whole range came back empty', async () => {
    const audio = twoPhrases();
    // Like Moonshine on some ranges: EOS at once for this exact range, the words for any other.
    const d = recorded((piece) => (piece.length === audio.length ? '' : heard(piece)));
    const result = await guardFinal({ partialText: 'See you on Sunday', finalText: '', audio, decode: d.decode });
    expect(result).toMatchObject({ text: 'See you on Sunday. Question mark.', source: 'fitted', decodes: 1 });
    // The edge silence went, less 100 ms on each side.
    expect(d.pieces).toEqual([audio.length - ms(250 - 100) - ms(130 - 100)]);
  });

  it('decodes the two pieces when every whole-range decode keeps only the second phrase', async () => {
    const audio = twoPhrases();
    const d = recorded((piece) => (piece.includes(A) && piece.includes(B) ? WORDS_B : heard(piece)));
    const result = await guardFinal({
      partialText: 'See you on Sunday',
      finalText: WORDS_B,
      audio,
      decode: d.decode,
    });
    // The whole-range text kept some words, so the pieces are tried first.
    expect(result).toMatchObject({ text: 'See you on Sunday. Question mark.', source: 'pieces', decodes: 2 });
    const at = result.splitAt ?? 0;
    expect(Math.abs(at - ms(250 + 900 + 200))).toBeLessThanOrEqual(ms(10));
    expect(d.pieces).toEqual([at, audio.length - at]);
  });

  it('does not decode again when nothing was dropped', async () => {
    const d = recorded(() => 'never');
    const result = await guardFinal({
      partialText: 'See you on',
      finalText: 'See you on Sunday, question mark.',
      audio: twoPhrases(),
      decode: d.decode,
    });
    expect(result).toMatchObject({ text: 'See you on Sunday, question mark.', source: 'whole', decodes: 0 });
    expect(d.pieces).toEqual([]);
  });

  it('keeps the whole-range text when no attempt loses fewer words', async () => {
    // The whole-range text kept only the phrase after the pause; every attempt recovers the partial but loses the five words the whole-range text had.
    const d = recorded(() => WORDS_A);
    const result = await guardFinal({
      partialText: 'See you on Sunday',
      finalText: 'Question mark on the way.',
      audio: twoPhrases(),
      decode: d.decode,
    });
    expect(result).toMatchObject({ text: 'Question mark on the way.', source: 'whole', splitAt: null });
    expect(result.check.dropped).toBe(true);
    expect(result.decodes).toBe(d.pieces.length);
  });

  it('keeps what the partial showed when every attempt comes back empty', async () => {
    const d = recorded(() => '');
    const result = await guardFinal({
      partialText: ' See you on Sunday, ',
      finalText: '',
      audio: twoPhrases(),
      decode: d.decode,
    });
    expect(result).toMatchObject({ text: 'See you on Sunday,', source: 'partial' });
    expect(result.decodes).toBe(5); // two trims, one shift, two pieces
  });

  it('without a pause to cut at, retries the whole range only', async () => {
    const audio = Float32Array.from({ length: ms(2000) }, (_, i) => (i < ms(200) ? 0 : A));
    const d = recorded(() => '');
    const result = await guardFinal({ partialText: 'See you on Sunday', finalText: '', audio, decode: d.decode });
    expect(result.source).toBe('partial');
    expect(d.pieces.every((n) => n >= audio.length - ms(200))).toBe(true);
  });
});
