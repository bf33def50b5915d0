/**
 * Contextual biasing of the greedy decoder towards the person's listed terms
 * (shallow fusion with a token-prefix trie).
 *
 * Each term is tokenized the ways the model may write it: as listed, all
 * lowercase and with a capital first letter (and each word capitalised), each
 * as a new word ("▁Kub…", after a space) and glued to an opening quote,
 * bracket or hyphen ("(Kub…"). While decoding, every token that starts a term
 * or continues a term already begun gets `bonus` added to its logit. A term
 * that the bonus steered into and that is then left unfinished is withdrawn:
 * the decoder goes back to where the bonus first changed its choice and
 * takes the model's own choice there (see `BiasDecoding`).
 *
 * Pure; no DOM. The tokenizer is passed in (see `tokenizer.ts`).
 */

export interface BiasTokenizer {
  /** Token ids of `text`; with `newWord`, as SentencePiece writes it after a space ("▁"). */
  encode(text: string, newWord: boolean): number[];
  /** The vocabulary's pieces by id ("▁Go", "orch", "(", …). */
  pieces: readonly string[];
}

export interface BiasOptions {
  /** Added to the logit of a token that starts or continues a term. */
  bonus: number;
}

/**
 * Tuned on our espeak-ng development set (scripts/tune-vocabulary-bias.ts):
 * term recall 8.8% with no list → 31% (bonus 2), 40% (3), 54% (4), 57% (4.5
 * and 5), 59% (6); prose WER with 50 unrelated terms +0.00 points up to 4.5,
 * +0.20 at 5, +1.59 at 6. Four keeps a step of margin below where prose
 * starts to pay.
 */
export const DEFAULT_BIAS: BiasOptions = { bonus: 4 };

interface TrieNode {
  children: Map<number, TrieNode>;
  /** Tokens from the root: how many bonuses a hypothesis on this node has collected. */
  depth: number;
  /** The bonus for choosing this node's token: the largest of the terms through it. */
  bonus: number;
  /** The largest bonus of the terms that end here (0 if none does). */
  termBonus: number;
  /** A whole term ends here (a longer one may go on): stopping here abandons nothing. */
  terminal: boolean;
}

function node(depth: number): TrieNode {
  return { children: new Map(), depth, bonus: 0, termBonus: 0, terminal: false };
}

function insert(root: TrieNode, tokens: readonly number[], bonus: number): void {
  let at = root;
  for (const token of tokens) {
    let next = at.children.get(token);
    if (!next) {
      next = node(at.depth + 1);
      at.children.set(token, next);
    }
    next.bonus = Math.max(next.bonus, bonus);
    at = next;
  }
  if (at.depth > 0) {
    at.terminal = true;
    at.termBonus = Math.max(at.termBonus, bonus);
  }
}

/** A piece ending with one of these lets a term start glued to it: `"Kubernetes`, `(Kubernetes`, `non-Kubernetes`. */
const OPENER = /["'([\u201C\u2018\-/]$/u;

/** The word with its first letter in capitals, if it is a lowercase letter. */
export function capitalise(word: string): string {
  return word.replace(/^\p{Ll}/u, (c) => c.toUpperCase());
}

/** The spellings the model may use for a term. */
export function termSpellings(term: string): string[] {
  const lower = term.toLowerCase();
  const words = lower.split(' ');
  const spellings = [term, lower, capitalise(lower), words.map(capitalise).join(' '), capitalise(term)];
  return [...new Set(spellings)];
}

/** Terms that share a bonus. */
export interface TermGroup extends BiasOptions {
  terms: readonly string[];
}

/** The listed terms as a token-prefix trie; build once per list, then `begin()` once per decode. */
export class TermBiasing {
  private constructor(
    /** Terms starting a new word ("▁…"). */
    private readonly spaced: TrieNode,
    /** Terms glued to an opening quote, bracket or hyphen. */
    private readonly attached: TrieNode,
    /** Tokens ending with an opener, after which `attached` terms may start. */
    private readonly openers: ReadonlySet<number>,
  ) {}

  static build(terms: readonly string[], tokenizer: BiasTokenizer, options: BiasOptions = DEFAULT_BIAS): TermBiasing {
    return TermBiasing.buildGroups([{ terms, ...options }], tokenizer);
  }

  /** Several lists in one trie, each with its own bonus; where terms share a prefix the larger bonus counts. */
  static buildGroups(groups: readonly TermGroup[], tokenizer: BiasTokenizer): TermBiasing {
    const spaced = node(0);
    const attached = node(0);
    for (const { terms, bonus } of groups) {
      for (const term of terms) {
        const text = term.replace(/\s+/gu, ' ').trim();
        if (!text) continue;
        for (const spelling of termSpellings(text)) {
          insert(spaced, tokenizer.encode(spelling, true), bonus);
          insert(attached, tokenizer.encode(spelling, false), bonus);
        }
      }
    }
    const openers = new Set<number>();
    tokenizer.pieces.forEach((piece, id) => {
      if (OPENER.test(piece)) openers.add(id);
    });
    return new TermBiasing(spaced, attached, openers);
  }

  /** How many distinct token paths the trie holds from its word-start root (for tests and diagnostics). */
  get startTokens(): number {
    return this.spaced.children.size;
  }

  /** State for one decode. */
  begin(): BiasDecoding {
    return new BiasDecoding(this.spaced, this.attached, this.openers);
  }
}

/** One term in progress: where the hypothesis is in the trie, and the advance that began it. */
interface Entry {
  node: TrieNode;
  began: number;
}

/** What `BiasDecoding.advance` found. */
export type BiasOutcome =
  /** Nothing to undo. */
  | 'ok'
  /** The hypothesis left every term that was in progress when the bias first changed its choice: withdraw it. */
  | 'abandoned';

/** Everything `restore` needs to go back to an earlier step. */
export interface BiasSnapshot {
  readonly active: readonly Entry[];
  readonly previous: number;
  readonly advances: number;
  readonly steeredAt: number | null;
  readonly steeredBonus: number;
}

/**
 * Follows one greedy hypothesis through the trie. The decoder calls
 * `apply` before choosing each token and `advance` after, saying whether the
 * bonus changed its choice ("steered"). From the first steered choice, the
 * terms in progress must be finished: when the hypothesis leaves them all
 * first, `advance` answers 'abandoned' and the decoder goes back to that step
 * (`restore`) and takes the model's own choice there, as if no bonus had been
 * given. So a listed term can win only as a whole word, and a prefix it
 * shares with ordinary words ("▁S" of "Siobhan" in "She") costs nothing.
 */
export class BiasDecoding {
  private active: Entry[] = [];
  private previous = -1;
  private advances = 0;
  /** The advance at which the bonus first changed the choice, while that is unresolved. */
  private steeredAt: number | null = null;
  /**
   * The bonus that changed it. Only a term with at least that bonus of its
   * own may settle the steer: where a listed term and a command share a
   * first token, the command must not win on the listed term's larger bonus.
   */
  private steeredBonus = 0;

  constructor(
    private readonly spaced: TrieNode,
    private readonly attached: TrieNode,
    private readonly openers: ReadonlySet<number>,
  ) {}

  private roots(): TrieNode[] {
    return this.openers.has(this.previous) ? [this.spaced, this.attached] : [this.spaced];
  }

  /**
   * Adds the bonus for the next step to `logits[offset + token]` of every
   * token that starts or continues a term, in place. Returns those tokens.
   */
  apply(logits: Float32Array, offset: number): number[] {
    const boosted = new Map<number, number>();
    const offer = (from: TrieNode) => {
      for (const [token, next] of from.children) boosted.set(token, Math.max(boosted.get(token) ?? 0, next.bonus));
    };
    for (const root of this.roots()) offer(root);
    for (const { node } of this.active) offer(node);
    for (const [token, bonus] of boosted) {
      const at = offset + token;
      if (at < logits.length) logits[at] = (logits[at] as number) + bonus;
    }
    return [...boosted.keys()];
  }

  /** The decoder chose `token` (`steered`: only because of the bonus). */
  advance(token: number, steered: boolean): BiasOutcome {
    const step = this.advances++;
    if (steered && this.steeredAt === null) {
      this.steeredAt = step;
      this.steeredBonus = this.bonusOf(token);
    }
    const next: Entry[] = [];
    let finished = false;
    const follow = (from: TrieNode, began: number) => {
      const node = from.children.get(token);
      if (!node) return;
      if (node.terminal && this.steeredAt !== null && began <= this.steeredAt && node.termBonus >= this.steeredBonus) {
        finished = true;
      }
      // A finished term with nothing longer after it needs no more following.
      if (node.children.size > 0 && !next.some((e) => e.node === node)) next.push({ node, began });
    };
    for (const entry of this.active) follow(entry.node, entry.began);
    for (const root of this.roots()) follow(root, step);
    this.active = next;
    this.previous = token;
    if (this.steeredAt === null) return 'ok';
    if (finished) {
      this.steeredAt = null;
      return 'ok';
    }
    const steeredAt = this.steeredAt;
    if (next.some((e) => e.began <= steeredAt)) return 'ok';
    this.steeredAt = null;
    return 'abandoned';
  }

  /** The bonus `apply` gave `token` at this step. */
  private bonusOf(token: number): number {
    let bonus = 0;
    for (const root of this.roots()) bonus = Math.max(bonus, root.children.get(token)?.bonus ?? 0);
    for (const { node } of this.active) bonus = Math.max(bonus, node.children.get(token)?.bonus ?? 0);
    return bonus;
  }

  /** True while a choice the bonus changed waits for its term to be finished or left. */
  get steering(): boolean {
    return this.steeredAt !== null;
  }

  save(): BiasSnapshot {
    return {
      active: this.active,
      previous: this.previous,
      advances: this.advances,
      steeredAt: this.steeredAt,
      steeredBonus: this.steeredBonus,
    };
  }

  restore(snapshot: BiasSnapshot): void {
    this.active = [...snapshot.active];
    this.previous = snapshot.previous;
    this.advances = snapshot.advances;
    this.steeredAt = snapshot.steeredAt;
    this.steeredBonus = snapshot.steeredBonus;
  }
}
