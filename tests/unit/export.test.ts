import { parseSync } from 'subtitle';
import { describe, expect, it } from 'vitest';
import {
  buildCues,
  escapeVttText,
  exportFilename,
  formatTimestamp,
  MAX_TIMESTAMP_MS,
  normaliseCueText,
  toJson,
  toMarkdown,
  toPlainText,
  toSrt,
  toWebVtt,
} from '../../src/engine/export';
import type { SessionExportInput, SessionSegment } from '../../src/engine/session-types';

/** 2024-05-01T12:34:56.789Z */
const CREATED = Date.UTC(2024, 4, 1, 12, 34, 56, 789);

const SEGMENTS: SessionSegment[] = [
  { id: 1, text: 'Hello world.', startMs: 0, endMs: 1500 },
  { id: 2, text: '', startMs: 1500, endMs: 2250, gap: true },
  { id: 3, text: 'Fish & <b>chips</b> -->\n\n  then more.', startMs: 3_723_004, endMs: 3_725_010 },
];

const INPUT: SessionExportInput = {
  title: 'Team sync: Q3/Q4?',
  createdAt: CREATED,
  segments: SEGMENTS,
  text: 'Hello world.\n\n[\u2026] Fish & chips, then more.  \n',
};

function input(overrides: Partial<SessionExportInput>): SessionExportInput {
  return { ...INPUT, ...overrides };
}

describe('formatTimestamp', () => {
  it('formats SRT and WebVTT timestamps', () => {
    expect(formatTimestamp(0, ',')).toBe('00:00:00,000');
    expect(formatTimestamp(1, '.')).toBe('00:00:00.001');
    expect(formatTimestamp(61_001, ',')).toBe('00:01:01,001');
    expect(formatTimestamp(3_723_004, '.')).toBe('01:02:03.004');
    expect(formatTimestamp(99 * 3_600_000 + 59 * 60_000 + 59_999, ',')).toBe('99:59:59,999');
  });

  it('uses three hour digits past 99 hours, up to 999', () => {
    expect(formatTimestamp(100 * 3_600_000, ',')).toBe('100:00:00,000');
    expect(formatTimestamp(MAX_TIMESTAMP_MS, '.')).toBe('999:59:59.999');
    expect(formatTimestamp(MAX_TIMESTAMP_MS + 1, '.')).toBe('999:59:59.999');
    expect(formatTimestamp(Number.POSITIVE_INFINITY, ',')).toBe('999:59:59,999');
  });

  it('clamps negative and NaN to zero and rounds fractions', () => {
    expect(formatTimestamp(-5, ',')).toBe('00:00:00,000');
    expect(formatTimestamp(Number.NEGATIVE_INFINITY, ',')).toBe('00:00:00,000');
    expect(formatTimestamp(Number.NaN, '.')).toBe('00:00:00.000');
    expect(formatTimestamp(999.6, ',')).toBe('00:00:01,000');
    expect(formatTimestamp(1.4, ',')).toBe('00:00:00,001');
  });
});

describe('toPlainText', () => {
  it('keeps the transcript as is with a single trailing newline', () => {
    expect(toPlainText(INPUT)).toEqual({
      filename: 'Team-sync-Q3-Q4.txt',
      mimeType: 'text/plain;charset=utf-8',
      content: 'Hello world.\n\n[\u2026] Fish & chips, then more.\n',
    });
    expect(toPlainText(input({ text: 'edited' })).content).toBe('edited\n');
    expect(toPlainText(input({ text: '' })).content).toBe('\n');
  });
});

describe('toMarkdown', () => {
  it('writes a heading, the UTC ISO date and the paragraphs', () => {
    expect(toMarkdown(INPUT)).toEqual({
      filename: 'Team-sync-Q3-Q4.md',
      mimeType: 'text/markdown;charset=utf-8',
      content:
        '# Team sync: Q3/Q4?\n\nRecorded 2024-05-01T12:34:56.789Z\n\nHello world.\n\n[\u2026] Fish &amp; chips, then more.\n',
    });
  });

  it('escapes HTML in the title and the text, so no renderer turns it into markup', () => {
    const out = toMarkdown(
      input({
        title: '<script>alert(1)</script>',
        text: 'see <img src=x onerror="fetch(`//evil`)"> & &lt;b&gt;\n</p><iframe src=//x>',
      }),
    ).content;
    expect(out).toBe(
      '# &lt;script&gt;alert(1)&lt;/script&gt;\n\nRecorded 2024-05-01T12:34:56.789Z\n\n' +
        'see &lt;img src=x onerror="fetch(`//evil`)"&gt; &amp; &amp;lt;b&amp;gt;\n\n&lt;/p&gt;&lt;iframe src=//x&gt;\n',
    );
    expect(out).not.toMatch(/<|>/);
  });

  it('turns each line into a paragraph and collapses blank lines', () => {
    const out = toMarkdown(input({ title: '  Notes\n  #  ', text: 'one\r\ntwo\n\n\n  three  ' })).content;
    expect(out).toBe('# Notes \\#\n\nRecorded 2024-05-01T12:34:56.789Z\n\none\n\ntwo\n\nthree\n');
  });

  it('falls back for an empty title and omits an invalid date', () => {
    expect(toMarkdown(input({ title: ' ', createdAt: Number.NaN, text: '' })).content).toBe('# Transcript\n');
  });
});

describe('toSrt', () => {
  it('writes numbered cues with a gap marker and safe text', () => {
    expect(toSrt(INPUT)).toEqual({
      filename: 'Team-sync-Q3-Q4.srt',
      mimeType: 'application/x-subrip;charset=utf-8',
      content:
        '1\n00:00:00,000 --> 00:00:01,500\nHello world.\n\n' +
        '2\n00:00:01,500 --> 00:00:02,250\n[\u2026]\n\n' +
        '3\n01:02:03,004 --> 01:02:05,010\nFish & <b>chips</b> \u2192\nthen more.\n',
    });
  });

  it('sorts cues, skips empty text and fixes zero-length and negative times', () => {
    const segments: SessionSegment[] = [
      { id: 1, text: 'second', startMs: 2000, endMs: 2000 },
      { id: 2, text: '  \n\n ', startMs: 500, endMs: 900 },
      { id: 3, text: 'first', startMs: -20, endMs: 1000.4 },
      { id: 4, text: 'third', startMs: 3000, endMs: 2500 },
    ];
    expect(toSrt(input({ segments })).content).toBe(
      '1\n00:00:00,000 --> 00:00:01,000\nfirst\n\n' +
        '2\n00:00:02,000 --> 00:00:02,001\nsecond\n\n' +
        '3\n00:00:03,000 --> 00:00:03,001\nthird\n',
    );
  });

  it('writes an empty file when there is nothing to show', () => {
    expect(toSrt(input({ segments: [] })).content).toBe('');
  });

  it('parses back with the subtitle library', () => {
    const nodes = parseSync(toSrt(INPUT).content);
    expect(nodes).toEqual([
      { type: 'cue', data: { start: 0, end: 1500, text: 'Hello world.' } },
      { type: 'cue', data: { start: 1500, end: 2250, text: '[\u2026]' } },
      { type: 'cue', data: { start: 3_723_004, end: 3_725_010, text: 'Fish & <b>chips</b> \u2192\nthen more.' } },
    ]);
  });
});

describe('toWebVtt', () => {
  it('writes the header and escaped cues', () => {
    expect(toWebVtt(INPUT)).toEqual({
      filename: 'Team-sync-Q3-Q4.vtt',
      mimeType: 'text/vtt;charset=utf-8',
      content:
        'WEBVTT\n\n' +
        '00:00:00.000 --> 00:00:01.500\nHello world.\n\n' +
        '00:00:01.500 --> 00:00:02.250\n[\u2026]\n\n' +
        '01:02:03.004 --> 01:02:05.010\nFish &amp; &lt;b&gt;chips&lt;/b&gt; \u2192\nthen more.\n',
    });
  });

  it('is just the header when there are no cues', () => {
    expect(toWebVtt(input({ segments: [] })).content).toBe('WEBVTT\n');
  });

  it('parses back with the subtitle library', () => {
    const nodes = parseSync(toWebVtt(INPUT).content);
    expect(nodes[0]).toEqual({ type: 'header', data: 'WEBVTT' });
    expect(nodes.slice(1).map((n) => n.data)).toEqual([
      { start: 0, end: 1500, text: 'Hello world.' },
      { start: 1500, end: 2250, text: '[\u2026]' },
      { start: 3_723_004, end: 3_725_010, text: 'Fish &amp; &lt;b&gt;chips&lt;/b&gt; \u2192\nthen more.' },
    ]);
  });
});

describe('toJson', () => {
  it('writes title, ISO date, text and segments in seconds', () => {
    const file = toJson(INPUT);
    expect(file.filename).toBe('Team-sync-Q3-Q4.json');
    expect(file.mimeType).toBe('application/json;charset=utf-8');
    expect(file.content).toBe(
      `${[
        '{',
        '  "title": "Team sync: Q3/Q4?",',
        '  "createdAt": "2024-05-01T12:34:56.789Z",',
        '  "text": "Hello world.\\n\\n[\u2026] Fish & chips, then more.  \\n",',
        '  "segments": [',
        '    {',
        '      "text": "Hello world.",',
        '      "start": 0,',
        '      "end": 1.5',
        '    },',
        '    {',
        '      "text": "",',
        '      "start": 1.5,',
        '      "end": 2.25,',
        '      "gap": true',
        '    },',
        '    {',
        '      "text": "Fish & <b>chips</b> -->\\n\\n  then more.",',
        '      "start": 3723.004,',
        '      "end": 3725.01',
        '    }',
        '  ]',
        '}',
      ].join('\n')}\n`,
    );
  });

  it('uses null for an invalid date', () => {
    expect(JSON.parse(toJson(input({ createdAt: Number.NaN })).content).createdAt).toBeNull();
  });
});

describe('cue text', () => {
  it('collapses blank lines, trims lines and replaces -->', () => {
    expect(normaliseCueText('a\r\n\r\n\tb  c \n\n\n-->d')).toBe('a\nb c\n\u2192d');
    expect(normaliseCueText('x\u2028y\u000bz')).toBe('x\ny\nz');
    expect(normaliseCueText('-\u0000->')).toBe('\u2192');
    expect(normaliseCueText(' \n \t ')).toBe('');
  });

  it('escapes &, < and > for WebVTT', () => {
    expect(escapeVttText('a & b <i>c</i> -> &amp;')).toBe('a &amp; b &lt;i&gt;c&lt;/i&gt; -&gt; &amp;amp;');
  });

  it('keeps session order for equal start times', () => {
    const segments: SessionSegment[] = [
      { id: 1, text: 'b', startMs: 100, endMs: 200 },
      { id: 2, text: 'c', startMs: 100, endMs: 150 },
      { id: 3, text: 'a', startMs: 0, endMs: 100 },
    ];
    expect(buildCues(segments).map((c) => c.text)).toEqual(['a', 'b', 'c']);
  });

  it('keeps cues inside the 999-hour range', () => {
    const cues = buildCues([{ id: 1, text: 'late', startMs: 1e12, endMs: 1e12 }]);
    expect(cues).toEqual([{ startMs: MAX_TIMESTAMP_MS - 1, endMs: MAX_TIMESTAMP_MS, text: 'late', gap: false }]);
  });
});

describe('exportFilename', () => {
  it('replaces illegal characters and whitespace with dashes', () => {
    expect(exportFilename('Team sync: Q3/Q4?', 'srt')).toBe('Team-sync-Q3-Q4.srt');
    expect(exportFilename('a<b>c"d\\e|f*g', 'txt')).toBe('a-b-c-d-e-f-g.txt');
    expect(exportFilename('  lots \t of\n\nspace  ', 'md')).toBe('lots-of-space.md');
    expect(exportFilename('Dictation 2024-05-01 12:34', 'vtt')).toBe('Dictation-2024-05-01-12-34.vtt');
  });

  it('keeps unicode letters and drops controls and bidi overrides', () => {
    expect(exportFilename('Caf\u00e9 \u{1F600} notes', 'txt')).toBe('Caf\u00e9-\u{1F600}-notes.txt');
    expect(exportFilename('Cafe\u0301', 'txt')).toBe('Caf\u00e9.txt');
    expect(exportFilename('evil\u202Etxt.exe\u0007', 'json')).toBe('evil-txt.exe.json');
  });

  it('strips leading and trailing dots, dashes and underscores', () => {
    expect(exportFilename('..hidden..', 'txt')).toBe('hidden.txt');
    expect(exportFilename('- end. ', 'txt')).toBe('end.txt');
  });

  it('caps the length at 80 characters', () => {
    const name = exportFilename('x'.repeat(200), 'txt');
    expect(name).toBe(`${'x'.repeat(80)}.txt`);
    const emoji = exportFilename('\u{1F600}'.repeat(100), 'txt');
    expect([...emoji.replace(/\.txt$/, '')]).toHaveLength(50); // 200 UTF-8 bytes
    expect(exportFilename(`${'a'.repeat(79)} b`, 'md')).toBe(`${'a'.repeat(79)}.md`);
  });

  it('falls back when nothing usable is left', () => {
    expect(exportFilename('', 'txt')).toBe('utter-transcript.txt');
    expect(exportFilename(' ?*: ', 'srt')).toBe('utter-transcript.srt');
    expect(exportFilename('...', 'vtt')).toBe('utter-transcript.vtt');
  });

  it('avoids Windows device names', () => {
    expect(exportFilename('con', 'txt')).toBe('utter-con.txt');
    expect(exportFilename('LPT1', 'txt')).toBe('utter-LPT1.txt');
    expect(exportFilename('Aux.notes', 'txt')).toBe('utter-Aux.notes.txt');
    expect(exportFilename('console', 'txt')).toBe('console.txt');
  });

  it('sanitises the extension', () => {
    expect(exportFilename('a', '.srt')).toBe('a.srt');
    expect(exportFilename('a', '')).toBe('a');
  });
});
