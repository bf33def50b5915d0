import { readdirSync, readFileSync } from 'node:fs';

/**
 * Polls /proc while the benchmark runs, per phase:
 *  - resident memory of the Chromium processes this Node process started (its
 *    descendants, so other browsers on the machine are not counted). RSS sums
 *    count shared pages once per process: an upper bound, as `ps` reports it;
 *  - this Node process's RSS (the native measurements run in it);
 *  - CPU used by processes outside this benchmark, to tell a quiet run from
 *    one that shared its cores with something else.
 */
export interface PhaseStats {
  /** Peak sum over `--type=renderer` processes: the page's, Chromium's spare one, and the first tab's about:blank. */
  rendererMb: number;
  /**
   * Peak RSS of the page's own renderer (the page, its workers and worklet):
   * the renderer that used the most CPU in the phase, since it runs the
   * models; the others stay idle. Null when no renderer ran.
   */
  pageRendererMb: number | null;
  /** What the page's renderer was made of at that peak (read within 4 MB of it), and when (null with no renderer). */
  pageRendererPeak: RssBreakdown | null;
  /** Peak sum over every Chromium descendant (browser, GPU, utility, zygotes, renderers). */
  browserTreeMb: number;
  nodeMb: number;
  /** Mean cores busy with processes outside this benchmark during the phase (null: too short to tell). */
  foreignCpuCores: number | null;
  seconds: number;
  samples: number;
}

/**
 * A renderer's resident memory by kind of mapping (/proc/PID/smaps), in MB:
 *  - `compiledCode`: anonymous executable mappings, V8's code spaces (Wasm and JS);
 *  - `anonymous`: the rest of its private memory: JS heaps, Wasm memories, allocators (compilers' zones too);
 *  - `files`: file-backed mappings, mostly Chromium's own binary, shared with its other processes;
 *  - `shared`: shared memory with the browser and GPU processes.
 */
export interface RssBreakdown {
  /** Seconds into the phase. */
  atS: number;
  compiledCodeMb: number;
  anonymousMb: number;
  filesMb: number;
  sharedMb: number;
}

function rssBreakdown(pid: number, atS: number): RssBreakdown | null {
  const smaps = readText(`/proc/${pid}/smaps`);
  if (!smaps) return null;
  const kb = { code: 0, anonymous: 0, files: 0, shared: 0 };
  let kind: keyof typeof kb = 'anonymous';
  for (const line of smaps.split('\n')) {
    const mapping = /^[0-9a-f]+-[0-9a-f]+ (\S{4}) \S+ \S+ \S+\s*(.*)$/.exec(line);
    if (mapping) {
      const [, perms = '', path = ''] = mapping;
      if (perms[3] === 's') kind = 'shared';
      else if (path.startsWith('/')) kind = 'files';
      else kind = perms[2] === 'x' ? 'code' : 'anonymous';
      continue;
    }
    const rss = /^Rss:\s+(\d+) kB/.exec(line);
    if (rss) kb[kind] += Number(rss[1]);
  }
  const mb = (v: number) => Math.round(v / 102.4) / 10;
  return {
    atS: Math.round(atS * 10) / 10,
    compiledCodeMb: mb(kb.code),
    anonymousMb: mb(kb.anonymous),
    filesMb: mb(kb.files),
    sharedMb: mb(kb.shared),
  };
}

/** Kernel clock ticks per second for /proc CPU times (USER_HZ, 100 on Linux). */
const TICKS = 100;

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

/** Busy ticks of the whole machine (all CPUs). */
function machineBusyTicks(): number {
  const line = readText('/proc/stat')?.split('\n', 1)[0] ?? '';
  const [, user, nice, system, , , irq, softirq, steal] = line.trim().split(/\s+/).map(Number);
  return (user ?? 0) + (nice ?? 0) + (system ?? 0) + (irq ?? 0) + (softirq ?? 0) + (steal ?? 0);
}

interface Snapshot {
  rendererKb: number;
  /** RSS of each renderer process by pid. */
  renderers: Map<number, number>;
  chromeKb: number;
  /** utime + stime of this process and every descendant alive now. */
  ticks: Map<number, number>;
}

function snapshot(root: number): Snapshot {
  const children = new Map<number, number[]>();
  const cpu = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = readText(`/proc/${entry}/stat`);
    if (!stat) continue;
    // "pid (comm) state ppid … utime stime …": comm may contain spaces and parentheses.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const pid = Number(entry);
    const ppid = Number(fields[1]);
    cpu.set(pid, Number(fields[11]) + Number(fields[12]));
    const list = children.get(ppid) ?? [];
    list.push(pid);
    children.set(ppid, list);
  }
  let rendererKb = 0;
  let chromeKb = 0;
  const renderers = new Map<number, number>();
  const ticks = new Map<number, number>([[root, cpu.get(root) ?? 0]]);
  const queue = [...(children.get(root) ?? [])];
  for (let pid = queue.shift(); pid !== undefined; pid = queue.shift()) {
    queue.push(...(children.get(pid) ?? []));
    ticks.set(pid, cpu.get(pid) ?? 0);
    const cmdline = readText(`/proc/${pid}/cmdline`) ?? '';
    if (!cmdline.includes('chrom')) continue; // e.g. the static server
    const kb = rssKb(pid);
    chromeKb += kb;
    if (cmdline.includes('--type=renderer')) {
      rendererKb += kb;
      renderers.set(pid, kb);
    }
  }
  return { rendererKb, renderers, chromeKb, ticks };
}

interface PhaseScratch {
  busy0: number;
  own0: number;
  t0: number;
  /** Per renderer pid: CPU ticks used in this phase and peak RSS (kB). */
  perRenderer: Map<number, RendererUse>;
}

interface RendererUse {
  ticks: number;
  peakKb: number;
  /** The breakdown at the last reading, and the RSS (kB) then. */
  peak: RssBreakdown | null;
  peakReadKb: number;
}

const BREAKDOWN_STEP_KB = 4096;

/** The renderer that used the most CPU (the page's: it runs the models), or null if none ran. */
function busiestRenderer(perRenderer: ReadonlyMap<number, RendererUse>): RendererUse | null {
  return [...perRenderer.values()].reduce<RendererUse | null>(
    (best, r) => (r.ticks > (best?.ticks ?? 0) ? r : best),
    null,
  );
}

/** What a phase keeps while it runs; the page's renderer is picked from `perRenderer` at the end, in stats(). */
type PhaseRecord = Omit<PhaseStats, 'pageRendererMb' | 'pageRendererPeak'> & PhaseScratch;

export class ProcPoller {
  private timer: ReturnType<typeof setInterval> | null = null;
  private phase = 'setup';
  private readonly phases = new Map<string, PhaseRecord>();
  /** CPU ticks of this benchmark's processes so far, exited ones included. */
  private ownTicks = 0;
  private readonly lastTicks = new Map<number, number>();

  constructor(private readonly intervalMs = 250) {}

  start(): void {
    this.sample();
    this.timer ??= setInterval(() => this.sample(), this.intervalMs);
  }

  setPhase(phase: string): void {
    this.sample();
    this.phase = phase;
    this.sample();
  }

  sample(): void {
    const busy = machineBusyTicks();
    const snap = snapshot(process.pid);
    const used = new Map<number, number>();
    for (const [pid, ticks] of snap.ticks) {
      used.set(pid, Math.max(0, ticks - (this.lastTicks.get(pid) ?? 0)));
      this.ownTicks += used.get(pid) ?? 0;
      this.lastTicks.set(pid, ticks);
    }
    let p = this.phases.get(this.phase);
    if (!p) {
      p = {
        rendererMb: 0,
        browserTreeMb: 0,
        nodeMb: 0,
        foreignCpuCores: null,
        seconds: 0,
        samples: 0,
        busy0: busy,
        own0: this.ownTicks,
        t0: performance.now(),
        perRenderer: new Map(),
      };
      this.phases.set(this.phase, p);
    }
    p.rendererMb = Math.max(p.rendererMb, snap.rendererKb / 1024);
    for (const [pid, kb] of snap.renderers) {
      const r = p.perRenderer.get(pid) ?? { ticks: 0, peakKb: 0, peak: null, peakReadKb: 0 };
      r.ticks += used.get(pid) ?? 0;
      if (kb > r.peakKb) {
        r.peakKb = kb;
        // Reading smaps walks the page tables: only when the peak has grown by a few MB since the last
        // reading: the breakdown is within 4 MB of the peak, and an idle renderer is read once.
        if (!r.peak || kb >= r.peakReadKb + BREAKDOWN_STEP_KB) {
          r.peak = rssBreakdown(pid, (performance.now() - p.t0) / 1000) ?? r.peak;
          r.peakReadKb = kb;
        }
      }
      p.perRenderer.set(pid, r);
    }
    p.browserTreeMb = Math.max(p.browserTreeMb, snap.chromeKb / 1024);
    p.nodeMb = Math.max(p.nodeMb, process.memoryUsage.rss() / 2 ** 20);
    p.seconds = (performance.now() - p.t0) / 1000;
    // Ticks are 10 ms: under half a second the ratio is mostly rounding.
    p.foreignCpuCores =
      p.seconds < 0.5 ? null : Math.max(0, busy - p.busy0 - (this.ownTicks - p.own0)) / TICKS / p.seconds;
    p.samples++;
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.sample();
  }

  stats(): Map<string, PhaseStats> {
    return new Map(
      [...this.phases].map(([phase, { busy0: _b, own0: _o, t0: _t, perRenderer, ...stats }]) => {
        const page = busiestRenderer(perRenderer);
        return [
          phase,
          { ...stats, pageRendererMb: page ? page.peakKb / 1024 : null, pageRendererPeak: page?.peak ?? null },
        ];
      }),
    );
  }
}
