import { describe, expect, it } from 'vitest';
import { PullTracker } from '../../electron/core/docker/pull.js';

describe('pull progress stream', () => {
  it('folds layer events into bytes and layers, and catches the digest line', () => {
    const t = new PullTracker();
    t.feed({ status: 'Pulling from team/app', id: 'latest' });
    t.feed({ status: 'Pulling fs layer', id: 'aaaaaaaaaaaa' });
    t.feed({ status: 'Pulling fs layer', id: 'bbbbbbbbbbbb' });
    t.feed({ status: 'Downloading', id: 'aaaaaaaaaaaa', progressDetail: { current: 50, total: 100 } });
    t.feed({ status: 'Downloading', id: 'bbbbbbbbbbbb', progressDetail: { current: 10, total: 400 } });
    expect(t.snapshot()).toEqual({ layersDone: 0, layersTotal: 2, bytesCurrent: 60, bytesTotal: 500 });
    t.feed({ status: 'Pull complete', id: 'aaaaaaaaaaaa' });
    t.feed({ status: 'Already exists', id: 'cccccccccccc' });
    expect(t.snapshot()).toMatchObject({ layersDone: 2, layersTotal: 3, bytesCurrent: 110 });
    t.feed({ status: `Digest: sha256:${'e'.repeat(64)}` });
    expect(t.digest).toBe(`sha256:${'e'.repeat(64)}`);
    expect(t.error).toBeUndefined();
  });

  it('treats an error line inside the stream as a failure', () => {
    const t = new PullTracker();
    t.feed({ status: 'Downloading', id: 'aaaaaaaaaaaa', progressDetail: { current: 1, total: 2 } });
    t.feed({ errorDetail: { message: 'received unexpected HTTP status: 500' }, error: 'received unexpected HTTP status: 500' });
    t.feed({ error: 'a later error' });
    expect(t.error).toBe('received unexpected HTTP status: 500');
  });
});
