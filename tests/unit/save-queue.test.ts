import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SaveQueue } from '../../src/app/save-queue';

interface Doc {
  id: string;
  text: string;
}

function recordingTarget(fail: (doc: Doc) => boolean = () => false) {
  const calls: string[] = [];
  return {
    calls,
    target: {
      write: (doc: Doc) => {
        calls.push(`write ${doc.id} ${doc.text}`);
        return fail(doc) ? Promise.reject(new Error(`disk full at ${doc.text}`)) : Promise.resolve();
      },
      remove: (id: string) => {
        calls.push(`remove ${id}`);
        return Promise.resolve();
      },
    },
  };
}

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe('SaveQueue', () => {
  it('a delayed save writes the newest state once, and an immediate save takes it along', async () => {
    const { calls, target } = recordingTarget();
    const queue = new SaveQueue<Doc>(target, () => {});
    queue.saveSoon({ id: 'a', text: 'one' }, 300);
    queue.saveSoon({ id: 'a', text: 'two' }, 300);
    expect(calls).toEqual([]);
    queue.save({ id: 'a', text: 'three' });
    await vi.advanceTimersByTimeAsync(1000);
    expect(calls).toEqual(['write a three']);
  });

  it('waits for a pause in delayed saves', async () => {
    const { calls, target } = recordingTarget();
    const queue = new SaveQueue<Doc>(target, () => {});
    queue.saveSoon({ id: 'a', text: 'one' }, 300);
    await vi.advanceTimersByTimeAsync(200);
    queue.saveSoon({ id: 'a', text: 'two' }, 300);
    await vi.advanceTimersByTimeAsync(200);
    expect(calls).toEqual([]);
    await vi.advanceTimersByTimeAsync(100);
    expect(calls).toEqual(['write a two']);
  });

  it('removal drops what is pending, comes after earlier writes, and blocks later saves', async () => {
    const { calls, target } = recordingTarget();
    const queue = new SaveQueue<Doc>(target, () => {});
    queue.save({ id: 'a', text: 'saved' });
    queue.saveSoon({ id: 'a', text: 'typed' }, 300);
    await queue.remove('a');
    queue.save({ id: 'a', text: 'late final' });
    queue.saveSoon({ id: 'a', text: 'late typing' }, 300);
    await vi.advanceTimersByTimeAsync(1000);
    await queue.flush();
    expect(calls).toEqual(['write a saved', 'remove a']);
    expect(queue.peek('a')).toBeUndefined();
  });

  it('reports a failed write and keeps saving', async () => {
    const { calls, target } = recordingTarget((doc) => doc.text === 'bad');
    const errors: unknown[] = [];
    const queue = new SaveQueue<Doc>(target, (error) => errors.push(error));
    queue.save({ id: 'a', text: 'bad' });
    await queue.flush();
    queue.save({ id: 'a', text: 'good' });
    await queue.flush();
    expect(calls).toEqual(['write a bad', 'write a good']);
    expect(errors).toHaveLength(1);
    expect(String(errors[0])).toContain('disk full at bad');
  });

  it('flush starts pending writes synchronously and resolves when all are done', async () => {
    let finish = () => {};
    const calls: string[] = [];
    const queue = new SaveQueue<Doc>(
      {
        write: (doc) => {
          calls.push(doc.text);
          return new Promise<void>((resolve) => {
            finish = resolve;
          });
        },
        remove: () => Promise.resolve(),
      },
      () => {},
    );
    queue.saveSoon({ id: 'a', text: 'typed' }, 300);
    let flushed = false;
    void queue.flush().then(() => {
      flushed = true;
    });
    expect(calls).toEqual(['typed']);
    await vi.advanceTimersByTimeAsync(0);
    expect(flushed).toBe(false);
    finish();
    await vi.advanceTimersByTimeAsync(0);
    expect(flushed).toBe(true);
  });
});
