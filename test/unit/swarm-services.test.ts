// The pure parts of updating Swarm services: which services follow a tag (normalised, with or
// without the digest Swarm adds), which are pinned by their owner, the image sent (the owner's
// repository text, the new digest), the bound on following an update from the service's own
// settings, and telling this update's status from an earlier one's. Services and their
// UpdateStatus are scripted here; the real Swarm is in test/integration/swarm.test.ts.
import { describe, expect, it } from 'vitest';
import { parseReference } from '../../electron/core/image/reference.js';
import type { ServiceHandle, ServiceInspect } from '../../electron/core/engines/client.js';
import { pinnedByOwner, serviceFollowsTag } from '../../electron/core/targets/services.js';
import { followUpdate, updateBoundMs } from '../../electron/core/update/services/follow.js';
import { pinnedImage } from '../../electron/core/update/services/service-update.js';

const digest = (c: string): string => `sha256:${c.repeat(64)}`;

describe('services that follow a tag', () => {
  const watched = parseReference('ghcr.io/molecule-ai/app:latest');

  it('match the tag with or without the digest Swarm resolved, compared normalised', () => {
    expect(serviceFollowsTag('ghcr.io/molecule-ai/app:latest', watched)).toBe(true);
    expect(serviceFollowsTag(`ghcr.io/molecule-ai/app:latest@${digest('a')}`, watched)).toBe(true);
    expect(serviceFollowsTag('ghcr.io/molecule-ai/app:stable', watched)).toBe(false);
    expect(serviceFollowsTag('ghcr.io/molecule-ai/app-other:latest', watched)).toBe(false);
    expect(serviceFollowsTag(`ghcr.io/molecule-ai/app@${digest('a')}`, watched)).toBe(false);
    const hub = parseReference('nginx');
    expect(serviceFollowsTag(`docker.io/library/nginx:latest@${digest('b')}`, hub)).toBe(true);
  });

  it('tell a service its owner pinned to a digest with no tag', () => {
    expect(pinnedByOwner(`ghcr.io/molecule-ai/app@${digest('a')}`, watched)).toBe(true);
    expect(pinnedByOwner(`ghcr.io/molecule-ai/app:latest@${digest('a')}`, watched)).toBe(false);
    expect(pinnedByOwner(`ghcr.io/molecule-ai/other@${digest('a')}`, watched)).toBe(false);
    expect(pinnedByOwner(`other.io/molecule-ai/app@${digest('a')}`, watched)).toBe(false);
    expect(pinnedByOwner('not a reference', watched)).toBe(false);
  });

  it('are the same repository on the same registry, never a namesake elsewhere', () => {
    expect(serviceFollowsTag('other.io/molecule-ai/app:latest', watched)).toBe(false);
    expect(serviceFollowsTag('molecule-ai/app:latest', watched)).toBe(false);
    expect(serviceFollowsTag('not a reference', watched)).toBe(false);
  });

  it('are sent the tag as their owner wrote it, with the new digest in place of the old', () => {
    expect(pinnedImage(`nginx:latest@${digest('a')}`, digest('b'))).toBe(`nginx:latest@${digest('b')}`);
    expect(pinnedImage('127.0.0.1:5000/app:latest', digest('b'))).toBe(`127.0.0.1:5000/app:latest@${digest('b')}`);
  });
});

describe('following an update', () => {
  it('is bounded by the service’s own update settings', () => {
    // Defaults: one task at a time, no delay, a 5 s monitor: per task 5 s + 60 s, plus 30 s.
    expect(updateBoundMs({}, 2)).toBe(2 * 65_000 + 30_000);
    const spec = { UpdateConfig: { Parallelism: 2, Delay: 10e9, Monitor: 1e9, Order: 'start-first' } };
    expect(updateBoundMs(spec, 4)).toBe(2 * 71_000 + 30_000);
    // Parallelism 0: all at once.
    expect(updateBoundMs({ UpdateConfig: { Parallelism: 0, Order: 'stop-first' } }, 10)).toBe(65_000 + 30_000);
  });

  it('waits for this update’s status, not an earlier one’s, and ends on an end state', async () => {
    const since = '2026-12-06T10:00:00Z';
    const statuses = [
      { State: 'completed', StartedAt: since, Message: 'update completed' },
      { State: 'updating', StartedAt: '2026-12-06T10:05:00Z' },
      { State: 'paused', StartedAt: '2026-12-06T10:05:00Z', Message: 'update paused due to failure or early termination of task x' },
    ];
    let reads = 0;
    const handle: ServiceHandle = {
      id: 's',
      inspect: async () => ({ ID: 's', UpdateStatus: statuses[Math.min(reads++, statuses.length - 1)] }) as ServiceInspect,
      update: async () => undefined,
    };
    const followed = await followUpdate(handle, since, 60_000, { sleep: async () => undefined });
    expect(reads).toBe(3);
    expect(followed).toMatchObject({ ended: true, state: 'paused', message: expect.stringMatching(/^update paused/) });
  });

  it('gives up at the bound and says where it stood', async () => {
    const handle: ServiceHandle = {
      id: 's',
      inspect: async () => ({ ID: 's', UpdateStatus: { State: 'updating', StartedAt: '2026-12-06T10:05:00Z' } }) as ServiceInspect,
      update: async () => undefined,
    };
    const followed = await followUpdate(handle, undefined, 0, { sleep: async () => undefined });
    expect(followed).toMatchObject({ ended: false, state: 'updating' });
  });
});
