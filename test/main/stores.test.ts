import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { emptyRuntimeState } from '../../electron/core/state/store.js';
import { ElectronSettingsStore, ElectronStateStore, SafeStorageChannels, SafeStorageSecrets } from '../../electron/main/stores.js';
import { safeStorage } from '../fakes/electron.js';
import { savedRuntime } from '../fixtures/runtime-state.js';
import { STATE_SCHEMA_VERSION } from '../../shared/schemas.js';

const D = `sha256:${'d'.repeat(64)}`;
const dir = (): string => mkdtempSync(path.join(os.tmpdir(), 'iw-estore-'));

describe('electron-store adapters', () => {
  it('keeps state in the same schema and version as the headless state file', async () => {
    const cwd = dir();
    const store = new ElectronStateStore(cwd);
    const state = await store.load();
    state.runtimes.app = savedRuntime({ ...emptyRuntimeState(), seenDigest: D });
    await store.save(state);
    expect(JSON.parse(readFileSync(path.join(cwd, 'state.json'), 'utf8'))).toEqual({
      schemaVersion: STATE_SCHEMA_VERSION,
      runtimes: { app: savedRuntime({ ...emptyRuntimeState(), seenDigest: D }) },
    });
    expect(await new ElectronStateStore(cwd).load()).toEqual(state);
  });

  it.each([
    ['unparseable', '{"schemaVersion": 1,'],
    ['invalid', '{"schemaVersion": 1, "runtimes": {"app": {"seenDigest": 7}}}'],
  ])('backs up an %s state file with a timestamp, starts from defaults and reports it', async (_kind, content) => {
    const cwd = dir();
    writeFileSync(path.join(cwd, 'state.json'), content);
    const store = new ElectronStateStore(cwd);
    expect(await store.load()).toEqual({ schemaVersion: STATE_SCHEMA_VERSION, runtimes: {} });
    const backups = readdirSync(cwd).filter((f) => f.startsWith('state.json.corrupt-'));
    expect(backups).toHaveLength(1);
    expect(readFileSync(path.join(cwd, backups[0]!), 'utf8')).toBe(content);
    expect(store.warnings.join('\n')).toContain(backups[0]);
  });

  it('validates settings with the config schema and backs up bad ones', async () => {
    const cwd = dir();
    writeFileSync(path.join(cwd, 'settings.json'), JSON.stringify({ autoRefresh: 'yes' }));
    const store = new ElectronSettingsStore(cwd);
    expect(await store.load()).toEqual({});
    expect(store.warnings[0]).toMatch(/autoRefresh/);
    expect(readdirSync(cwd).some((f) => f.startsWith('settings.json.corrupt-'))).toBe(true);
    await store.save({ autoRefresh: true, intervalSeconds: 60 });
    expect(await new ElectronSettingsStore(cwd).load()).toEqual({ autoRefresh: true, intervalSeconds: 60 });
  });

  it('stores registry credentials only as safeStorage ciphertext', async () => {
    const cwd = dir();
    const secrets = new SafeStorageSecrets(cwd);
    await secrets.set('ghcr.io', { username: 'me', password: 'hunter2-token' });
    const onDisk = readFileSync(path.join(cwd, 'secrets.json'), 'utf8');
    expect(onDisk).not.toContain('hunter2-token');
    expect(onDisk).not.toContain('"me"');
    expect(await new SafeStorageSecrets(cwd).get('ghcr.io')).toEqual({ username: 'me', password: 'hunter2-token' });
    expect(await secrets.registries()).toEqual(['ghcr.io']);
    await secrets.delete('ghcr.io');
    expect(await secrets.get('ghcr.io')).toBeNull();
  });

  it('refuses to store credentials when no keychain is available', async () => {
    safeStorage.available = false;
    try {
      await expect(new SafeStorageSecrets(dir()).set('ghcr.io', { username: 'a', password: 'b' })).rejects.toThrow(/keychain is not available/);
    } finally {
      safeStorage.available = true;
    }
  });

  it('keeps notification channels only as safeStorage ciphertext, and lists one it cannot unseal for removal', async () => {
    const cwd = dir();
    const vault = new SafeStorageChannels(cwd);
    const url = 'ntfys://me:pa55word@ntfy.example/secret-topic';
    await vault.add({ url, events: ['new-version'] });
    const onDisk = readFileSync(path.join(cwd, 'channels.json'), 'utf8');
    expect(onDisk).not.toContain('pa55word');
    expect(onDisk).not.toContain('secret-topic');
    const [entry] = await new SafeStorageChannels(cwd).list();
    expect(entry).toEqual({ id: expect.any(String), setting: { url, events: ['new-version'] } });

    // Sealed by another keychain: still listed (so it can be removed), with nothing to send to.
    const file = path.join(cwd, 'channels.json');
    const stored = JSON.parse(readFileSync(file, 'utf8')) as { channels: Array<{ id: string; sealed: string }> };
    stored.channels.push({ id: 'foreign', sealed: Buffer.from('not ours').toString('base64') });
    writeFileSync(file, JSON.stringify(stored));
    const again = new SafeStorageChannels(cwd);
    expect(await again.list()).toEqual([entry, { id: 'foreign', setting: null }]);
    await again.remove('foreign');
    await again.remove(entry!.id);
    expect(await new SafeStorageChannels(cwd).list()).toEqual([]);
  });

  it('refuses to store a channel when no keychain is available', async () => {
    safeStorage.available = false;
    try {
      await expect(new SafeStorageChannels(dir()).add({ url: 'ntfy://h/t' })).rejects.toThrow(/keychain is not available/);
    } finally {
      safeStorage.available = true;
    }
  });
});
