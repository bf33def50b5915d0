import { readdirSync, readFileSync } from 'node:fs';

/**
 * Polls the resident memory of the Chromium processes this Node process
 * started (its descendants in /proc, so other browsers on the machine are not
 * counted), per phase. RSS sums over processes count shared pages once per
 * process: an upper bound, as `ps` would report it.
 */
export interface RssPeak {
  /** Sum over `--type=renderer` processes (the page and its workers). */
  rendererMb: number;
  /** Sum over every descendant process (browser, GPU, utility, zygotes, renderers). */
  browserTreeMb: number;
  /** This Node process (the native measurements run in it). */
  nodeMb: number;
  samples: number;
}

function readText(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null; // the process exited between listing and reading
  }
}

function rssKb(pid: number): number {
  const status = readText(`/proc/${pid}/status`);
  const match = status ? /^VmRSS:\s+(\d+)\s+kB/m.exec(status) : null;
  return match ? Number(match[1]) : 0;
}

/** One snapshot: KB of renderer processes and of all descendants of `root`. */
export function descendantRss(root: number): { rendererKb: number; treeKb: number } {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = readText(`/proc/${entry}/stat`);
    if (!stat) continue;
    // "pid (comm) state ppid …": comm may contain spaces and parentheses.
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    const list = children.get(ppid) ?? [];
    list.push(Number(entry));
    children.set(ppid, list);
  }
  let rendererKb = 0;
  let treeKb = 0;
  const queue = [...(children.get(root) ?? [])];
  for (let pid = queue.shift(); pid !== undefined; pid = queue.shift()) {
    queue.push(...(children.get(pid) ?? []));
    const cmdline = readText(`/proc/${pid}/cmdline`) ?? '';
    if (!cmdline.includes('chrom')) continue; // e.g. the static server child
    const kb = rssKb(pid);
    treeKb += kb;
    if (cmdline.includes('--type=renderer')) rendererKb += kb;
  }
  return { rendererKb, treeKb };
}

export class RssPoller {
  private timer: ReturnType<typeof setInterval> | null = null;
  private phase = 'idle';
  readonly peaks = new Map<string, RssPeak>();

  constructor(private readonly intervalMs = 250) {}

  start(): void {
    this.timer ??= setInterval(() => this.sample(), this.intervalMs);
  }

  setPhase(phase: string): void {
    this.sample();
    this.phase = phase;
  }

  sample(): void {
    const { rendererKb, treeKb } = descendantRss(process.pid);
    const peak = this.peaks.get(this.phase) ?? { rendererMb: 0, browserTreeMb: 0, nodeMb: 0, samples: 0 };
    peak.nodeMb = Math.max(peak.nodeMb, process.memoryUsage.rss() / 2 ** 20);
    peak.rendererMb = Math.max(peak.rendererMb, rendererKb / 1024);
    peak.browserTreeMb = Math.max(peak.browserTreeMb, treeKb / 1024);
    peak.samples++;
    this.peaks.set(this.phase, peak);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.sample();
  }
}
