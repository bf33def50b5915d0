#!/usr/bin/env bash
# Generate the audio fixtures used by the unit, integration and e2e tests.
#
#   bash scripts/make-fixtures.sh           # make whatever is missing
#   bash scripts/make-fixtures.sh --force   # remake everything
#
# Output goes to tests/fixtures/generated/ (gitignored). The reference texts
# live in tests/fixtures/transcripts.json (committed); keep the sentences below
# in sync with that file.
#
# Needs espeak-ng and sox (Debian/Ubuntu: apt-get install espeak-ng sox).
# human.wav also needs pocketsphinx-testdata (real human recordings).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OUT="$ROOT/tests/fixtures/generated"
PS_DATA="${POCKETSPHINX_TESTDATA:-/usr/share/pocketsphinx/test/data}"

FORCE=0
for arg in "$@"; do
  case "$arg" in
    --force | -f) FORCE=1 ;;
    -h | --help)
      sed -n '2,12p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
      exit 0
      ;;
    *)
      echo "make-fixtures: unknown argument '$arg' (use --force or --help)" >&2
      exit 2
      ;;
  esac
done

for tool in espeak-ng sox soxi; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "make-fixtures: '$tool' not found; install it (Debian/Ubuntu: sudo apt-get install espeak-ng sox)" >&2
    exit 1
  fi
done

VOICE="en-us"
RATE=155 # words per minute
SR=16000

# Same order as tests/fixtures/transcripts.json["dictation.wav"]. Chosen so that
# espeak-ng's voice is intelligible: its "tomorrow" and "office chairs" were
# misheard by any recogniser, which measured the voice rather than Utter.
DICTATION=(
  "Please send the quarterly report to the finance team by Friday."
  "I will be working from home on Monday morning."
  "The new desks arrived this afternoon and they are much more comfortable."
  "Remember to buy milk, bread and coffee on the way home."
  "Thank you for your patience while we finish the final changes."
)

# Same order as tests/fixtures/transcripts.json["steady-44k.wav"]: sentences
# that Moonshine tiny reads word for word the same wherever the microphone's
# start puts the voice detector's frames, for the fault tests, which compare
# a dictation with a fault against one without. Most espeak-ng sentences are
# not like that: over 16 start offsets, 34 of 41 candidates came out two to
# twelve ways. These four came out one way at 40 (two are dictation.wav's),
# and with the decode anchored to the speech (src/engine/speech-anchor.ts)
# the file reads every word the same at 48; scripts/check-steady-fixture.ts
# and tests/integration/steady-fixture.test.ts check that through the app's
# own chain.
STEADY=(
  "The doctor told him to drink more water and get some rest."
  "I will be working from home on Monday morning."
  "He forgot his umbrella and came home completely wet."
  "Thank you for your patience while we finish the final changes."
)

# Same order as tests/fixtures/transcripts.json["long.wav"]. No commas, so
# espeak-ng adds no clause pauses inside a sentence.
LONG=(
  "The morning started with a short meeting about the new website design."
  "Everyone agreed that the home page should be simpler and easier to read."
  "After lunch the team reviewed the customer feedback from the last survey."
  "Most people liked the faster checkout but some found the menu confusing."
  "We decided to move the search box to the top of every page."
  "The designers will prepare a few different layouts before the end of the week."
  "Then we will test them with a small group of customers and choose the best one."
  "Until then please send any other ideas to the project channel."
  "It would also help to collect screenshots of pages that feel slow or cluttered."
  "Thank you all for the careful work on this project so far."
)
LONG_GAP=0.15 # seconds between sentences in long.wav (must stay below 0.3)

# Human recordings from pocketsphinx-testdata, in order, with their transcripts
# (tests/fixtures/transcripts.json["human.wav"]).
HUMAN_RAW="$PS_DATA/goforward.raw" # "go forward ten meters", 16 kHz s16le mono
HUMAN_WAVS=(
  "$PS_DATA/librivox/sense_and_sensibility_01_austen_64kb-0880.wav" # "he was not an ill disposed young man"
  "$PS_DATA/librivox/sense_and_sensibility_01_austen_64kb-0930.wav" # "he might even have been made amiable himself"
)
# The pocketsphinx recordings 5-10 s long, for npm run bench's end-of-speech
# latency on human speech (tests/fixtures/transcripts.json["librivox-long.wav"]).
# They were development audio for the segmenter's end of speech too
# (scripts/measure-release.ts): nothing else this long was at hand.
LIBRIVOX_LONG=(
  "$PS_DATA/librivox/sense_and_sensibility_01_austen_64kb-0870.wav" # 7.1 s
  "$PS_DATA/librivox/sense_and_sensibility_01_austen_64kb-0890.wav" # 5.3 s
  "$PS_DATA/librivox/sense_and_sensibility_01_austen_64kb-0920.wav" # 6.05 s
)

mkdir -p "$OUT"
TMP="$(mktemp -d "${TMPDIR:-/tmp}/utter-fixtures.XXXXXX")"
trap 'rm -rf "$TMP"' EXIT

# Reproducible sox output (dither and noise use a fixed seed).
SOX=(sox -R -V1)
FMT=(-r "$SR" -c 1 -b 16 -e signed-integer)

made=()
skipped=()

# needs NAME: true if $OUT/NAME should be (re)built.
needs() {
  if [[ $FORCE -eq 0 && -s "$OUT/$1" ]]; then
    skipped+=("$1")
    return 1
  fi
  return 0
}

# silence SECONDS FILE: digital silence at the fixture format.
silence() {
  "${SOX[@]}" -n "${FMT[@]}" "$2" trim 0 "$1"
}

# speak TEXT FILE: one utterance, 16 kHz mono, leading/trailing silence trimmed.
speak() {
  local raw="$TMP/espeak-$(basename "$2")"
  espeak-ng -v "$VOICE" -s "$RATE" -w "$raw" -- "$1"
  "${SOX[@]}" "$raw" "${FMT[@]}" "$2" \
    silence 1 0.01 0.1% reverse silence 1 0.01 0.1% reverse
  rm -f "$raw"
}

# recordings PREFIX WAV...: pocketsphinx recordings at the fixture format, as
# $TMP/PREFIX<n>.wav (n counting on from the length of `parts`), appended to `parts`.
recordings() {
  local prefix="$1" w n=${#parts[@]}
  shift
  for w in "$@"; do
    if [[ ! -f "$w" ]]; then
      echo "make-fixtures: $w not found; install pocketsphinx-testdata" >&2
      exit 1
    fi
    "${SOX[@]}" "$w" "${FMT[@]}" "$TMP/$prefix$n.wav"
    parts+=("$TMP/$prefix$n.wav")
    n=$((n + 1))
  done
}

# join GAP_FILE OUTFILE PARTS...: PARTS separated by GAP_FILE.
join_with_gap() {
  local gap="$1" out="$2"
  shift 2
  local args=() first=1 part
  for part in "$@"; do
    if [[ $first -eq 0 ]]; then args+=("$gap"); fi
    args+=("$part")
    first=0
  done
  "${SOX[@]}" "${args[@]}" "$out"
}

finish() { # finish TMPFILE NAME: move into place atomically.
  mv -f "$1" "$OUT/$2"
  made+=("$2")
}

# --- dictation.wav (+ dictation-44k.wav) -------------------------------------
# dictate OUTFILE TAG SENTENCES...: 1 s of silence, each sentence spoken with
# 0.9 s between them, then 1.5 s of silence, at the fixture format.
dictate() {
  local out="$1" tag="$2"
  shift 2
  local parts=() i=0 s
  for s in "$@"; do
    speak "$s" "$TMP/$tag$i.wav"
    parts+=("$TMP/$tag$i.wav")
    i=$((i + 1))
  done
  silence 0.9 "$TMP/$tag-gap.wav"
  silence 1.0 "$TMP/$tag-lead.wav"
  silence 1.5 "$TMP/$tag-trail.wav"
  join_with_gap "$TMP/$tag-gap.wav" "$TMP/$tag-body.wav" "${parts[@]}"
  "${SOX[@]}" "$TMP/$tag-lead.wav" "$TMP/$tag-body.wav" "$TMP/$tag-trail.wav" "$out"
}

if needs dictation.wav; then
  dictate "$TMP/dictation.wav" d "${DICTATION[@]}"
  finish "$TMP/dictation.wav" dictation.wav
  rm -f "$OUT/dictation-44k.wav" # derived; rebuild below
fi

# Chromium's fake microphone runs at 44.1 kHz, so give it a file at that rate.
if needs dictation-44k.wav; then
  "${SOX[@]}" "$OUT/dictation.wav" -r 44100 -c 1 -b 16 -e signed-integer "$TMP/d44.wav" rate -v
  finish "$TMP/d44.wav" dictation-44k.wav
fi

# --- steady-44k.wav: dictation.wav's layout, with sentences that read steadily --
if needs steady-44k.wav; then
  dictate "$TMP/steady.wav" st "${STEADY[@]}"
  "${SOX[@]}" "$TMP/steady.wav" -r 44100 -c 1 -b 16 -e signed-integer "$TMP/st44.wav" rate -v
  finish "$TMP/st44.wav" steady-44k.wav
fi

# --- human.wav -----------------------------------------------------------------
if needs human.wav; then
  if [[ ! -f "$HUMAN_RAW" ]]; then
    echo "make-fixtures: $HUMAN_RAW not found; install pocketsphinx-testdata (sudo apt-get install pocketsphinx-testdata) or set POCKETSPHINX_TESTDATA" >&2
    exit 1
  fi
  parts=("$TMP/h0.wav")
  "${SOX[@]}" -t raw -r 16000 -c 1 -b 16 -e signed-integer -L "$HUMAN_RAW" "${FMT[@]}" "$TMP/h0.wav"
  recordings h "${HUMAN_WAVS[@]}"
  silence 1.0 "$TMP/s1.wav"
  join_with_gap "$TMP/s1.wav" "$TMP/human-body.wav" "${parts[@]}"
  "${SOX[@]}" "$TMP/s1.wav" "$TMP/human-body.wav" "$TMP/s1.wav" "$TMP/human.wav"
  finish "$TMP/human.wav" human.wav
fi

# --- librivox-long.wav: three human utterances of 5-10 s, 2 s apart ----------
if needs librivox-long.wav; then
  parts=()
  recordings ll "${LIBRIVOX_LONG[@]}"
  silence 1.0 "$TMP/ll-s1.wav"
  silence 2.0 "$TMP/ll-s2.wav"
  join_with_gap "$TMP/ll-s2.wav" "$TMP/ll-body.wav" "${parts[@]}"
  "${SOX[@]}" "$TMP/ll-s1.wav" "$TMP/ll-body.wav" "$TMP/ll-s1.wav" "$TMP/ll.wav"
  finish "$TMP/ll.wav" librivox-long.wav
fi
if needs librivox-long-44k.wav; then
  "${SOX[@]}" "$OUT/librivox-long.wav" -r 44100 -c 1 -b 16 -e signed-integer "$TMP/ll44.wav" rate -v
  finish "$TMP/ll44.wav" librivox-long-44k.wav
fi

# 44.1 kHz copies for Chromium's fake microphone: the human recordings, and
# "go forward ten meters" alone (short enough for the slow SwiftShader WebGPU test).
if needs human-44k.wav; then
  "${SOX[@]}" "$OUT/human.wav" -r 44100 -c 1 -b 16 -e signed-integer "$TMP/h44.wav" rate -v
  finish "$TMP/h44.wav" human-44k.wav
fi
if needs goforward-44k.wav; then
  "${SOX[@]}" -t raw -r 16000 -c 1 -b 16 -e signed-integer -L "$HUMAN_RAW" "${FMT[@]}" "$TMP/gf.wav"
  silence 1.0 "$TMP/gf-s1.wav"
  "${SOX[@]}" "$TMP/gf-s1.wav" "$TMP/gf.wav" "$TMP/gf-s1.wav" -r 44100 -c 1 -b 16 -e signed-integer "$TMP/gf44.wav" rate -v
  finish "$TMP/gf44.wav" goforward-44k.wav
fi

# --- vocabulary-tickets-44k.wav: a rare name, for the Vocabulary setting ------
# Moonshine tiny writes "Thessalonica" (or "fast along the Cape") here unless
# "Thessaloniki" is listed. The name is mid-sentence and there is 1 s of
# silence before: the microphone's start and the voice detector's onset move
# the segment's start from run to run, and a clipped first word cannot be
# repaired. The sentence was chosen because it read the same at every start
# tried: scripts/check-vocabulary-fixture.ts checks both sides of the list
# through the app's own chain at 32 starts, and the e2e test read it one way
# in 20 runs.
if needs vocabulary-tickets-44k.wav; then
  speak "Please book two tickets to Thessaloniki for Monday." "$TMP/voc.wav"
  silence 1.0 "$TMP/voc-s1.wav"
  "${SOX[@]}" "$TMP/voc-s1.wav" "$TMP/voc.wav" "$TMP/voc-s1.wav" -r 44100 -c 1 -b 16 -e signed-integer "$TMP/voc44.wav" rate -v
  finish "$TMP/voc44.wav" vocabulary-tickets-44k.wav
fi

# --- commands-44k.wav: voice commands, inline and said alone -----------------
# A sentence; "new paragraph" said alone; a sentence; "scratch that" said
# alone; a sentence ending "question mark"; 1 s pauses around each (the
# segmenter ends a segment after 0.32 s of silence). Expected
# (tests/e2e/commands.spec.ts): "I will be there at noon.", a blank line, then
# "Did you send the report?"; "The printer is broken again" is scratched.
# Inline "comma", "period" and "exclamation point" are left out: in this voice
# Moonshine tiny hears them inside a sentence only at some start offsets
# ("Yes, come, I will…", "…at noon, atclamation point."; 18 of 18 for the
# commands here, played through the app's chain in Node with 0-150 ms of the
# start lost), which would make the test flaky; tests/integration/commands.test.ts
# measures them.
if needs commands-44k.wav; then
  speak "I will be there at noon" "$TMP/c0.wav"
  speak "new paragraph" "$TMP/c1.wav"
  speak "The printer is broken again" "$TMP/c2.wav"
  speak "scratch that" "$TMP/c3.wav"
  speak "Did you send the report question mark" "$TMP/c4.wav"
  silence 1.0 "$TMP/c-s1.wav"
  join_with_gap "$TMP/c-s1.wav" "$TMP/c-body.wav" "$TMP/c0.wav" "$TMP/c1.wav" "$TMP/c2.wav" "$TMP/c3.wav" "$TMP/c4.wav"
  "${SOX[@]}" "$TMP/c-s1.wav" "$TMP/c-body.wav" "$TMP/c-s1.wav" -r 44100 -c 1 -b 16 -e signed-integer "$TMP/c44.wav" rate -v
  finish "$TMP/c44.wav" commands-44k.wav
fi

# --- stop-dictation-44k.wav: "stop dictation" said alone stops ---------------
# A sentence, "stop dictation" said alone, and a sentence that must never be
# transcribed: 1 s of silence before the command, 2.5 s after it (dictation
# has stopped by then: the command's final comes ~0.5 s after it is said).
# Expected (tests/e2e/commands.spec.ts): only "I will send the letter on Friday",
# and dictation stops by itself. tests/integration/commands.test.ts hears
# "stop dictation" said alone in all four of its voices.
if needs stop-dictation-44k.wav; then
  speak "I will send the letter on Friday" "$TMP/sd0.wav"
  speak "stop dictation" "$TMP/sd1.wav"
  speak "These words come later and are never written" "$TMP/sd2.wav"
  silence 1.0 "$TMP/sd-s1.wav"
  silence 2.5 "$TMP/sd-s2.wav"
  "${SOX[@]}" "$TMP/sd-s1.wav" "$TMP/sd0.wav" "$TMP/sd-s1.wav" "$TMP/sd1.wav" "$TMP/sd-s2.wav" "$TMP/sd2.wav" "$TMP/sd-s1.wav" \
    -r 44100 -c 1 -b 16 -e signed-integer "$TMP/sd44.wav" rate -v
  finish "$TMP/sd44.wav" stop-dictation-44k.wav
fi

# --- long.wav: ~40 s of speech with no pause longer than 0.3 s ---------------
if needs long.wav; then
  parts=()
  i=0
  for s in "${LONG[@]}"; do
    speak "$s" "$TMP/l$i.wav"
    parts+=("$TMP/l$i.wav")
    i=$((i + 1))
  done
  silence "$LONG_GAP" "$TMP/lgap.wav"
  silence 1.0 "$TMP/s1.wav"
  join_with_gap "$TMP/lgap.wav" "$TMP/long-body.wav" "${parts[@]}"
  "${SOX[@]}" "$TMP/s1.wav" "$TMP/long-body.wav" "$TMP/s1.wav" "$TMP/long.wav"
  finish "$TMP/long.wav" long.wav
fi

# --- two-minutes.wav: a multi-minute recording for file transcription ----------
# dictation + long + human + long, each separated by 1 s (about 2 minutes).
# Reference: transcripts.json["two-minutes.wav"].
if needs two-minutes.wav; then
  silence 1.0 "$TMP/tm-gap.wav"
  "${SOX[@]}" "$OUT/dictation.wav" "$TMP/tm-gap.wav" "$OUT/long.wav" "$TMP/tm-gap.wav" \
    "$OUT/human.wav" "$TMP/tm-gap.wav" "$OUT/long.wav" "$TMP/two-minutes.wav"
  finish "$TMP/two-minutes.wav" two-minutes.wav
fi

# --- silence.wav: 3 s of very quiet white noise -------------------------------
if needs silence.wav; then
  "${SOX[@]}" -n "${FMT[@]}" "$TMP/silence.wav" synth 3 whitenoise vol 0.001
  finish "$TMP/silence.wav" silence.wav
fi

# --- corrupt.wav: RIFF/WAVE header, then garbage (no fmt/data chunk) ----------
if needs corrupt.wav; then
  {
    # "RIFF", declared size 36 + 64000 (far more than present), "WAVE"
    printf 'RIFF\x24\xfa\x00\x00WAVE'
    # 250 bytes of 0xFF: chunk id and size are nonsense, body is truncated.
    head -c 250 /dev/zero | tr '\000' '\377'
  } >"$TMP/corrupt.wav"
  finish "$TMP/corrupt.wav" corrupt.wav
fi

# --- not-audio.wav: plain text with a .wav name --------------------------------
if needs not-audio.wav; then
  printf 'This is a text file, not audio.\nIt only has a .wav name.\n' >"$TMP/not-audio.wav"
  finish "$TMP/not-audio.wav" not-audio.wav
fi

# --- report ----------------------------------------------------------------------
describe() {
  local f="$OUT/$1"
  if soxi "$f" >/dev/null 2>&1; then
    printf '  %-18s %6.2f s  %5s Hz  %s ch  %6s bytes\n' "$1" "$(soxi -D "$f")" "$(soxi -r "$f")" "$(soxi -c "$f")" "$(wc -c <"$f")"
  else
    printf '  %-18s (not decodable, intentionally)  %s bytes\n' "$1" "$(wc -c <"$f")"
  fi
}

if [[ ${#made[@]} -gt 0 ]]; then
  echo "make-fixtures: made in ${OUT#"$ROOT"/}:"
  for f in "${made[@]}"; do describe "$f"; done
fi
if [[ ${#skipped[@]} -gt 0 ]]; then
  echo "make-fixtures: already present (use --force to remake): ${skipped[*]}"
fi
