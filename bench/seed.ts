// Hundreds of repositories in the bed's open registry in seconds: a tiny config blob and a
// manifest each, written with the registry API (no engine, no layers).
import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

async function putBlob(registry: string, repo: string, body: Buffer): Promise<string> {
  const digest = `sha256:${createHash('sha256').update(body).digest('hex')}`;
  const start = await fetch(`http://${registry}/v2/${repo}/blobs/uploads/`, { method: 'POST' });
  if (start.status !== 202) throw new Error(`blob upload to ${repo}: ${start.status} ${await start.text()}`);
  const location = new URL(start.headers.get('location')!, `http://${registry}`);
  location.searchParams.set('digest', digest);
  const done = await fetch(location, { method: 'PUT', headers: { 'content-type': 'application/octet-stream' }, body: new Uint8Array(body) });
  if (done.status !== 201) throw new Error(`blob upload to ${repo}: ${done.status} ${await done.text()}`);
  return digest;
}

/** Pushes `version` of each repository's `latest`; returns the manifest digests. */
export async function seedRepositories(registry: string, repos: readonly string[], version: string): Promise<string[]> {
  const digests: string[] = [];
  for (let i = 0; i < repos.length; i += 16) {
    const batch = repos.slice(i, i + 16);
    digests.push(
      ...(await Promise.all(
        batch.map(async (repo) => {
          const config = Buffer.from(
            JSON.stringify({
              architecture: 'amd64',
              os: 'linux',
              config: { Labels: { repo, version, 'org.opencontainers.image.version': version } },
              rootfs: { type: 'layers', diff_ids: [] },
            }),
          );
          const configDigest = await putBlob(registry, repo, config);
          const manifest = JSON.stringify({
            schemaVersion: 2,
            mediaType: 'application/vnd.docker.distribution.manifest.v2+json',
            config: { mediaType: 'application/vnd.docker.container.image.v1+json', size: config.length, digest: configDigest },
            layers: [],
          });
          const res = await fetch(`http://${registry}/v2/${repo}/manifests/latest`, {
            method: 'PUT',
            headers: { 'content-type': 'application/vnd.docker.distribution.manifest.v2+json' },
            body: manifest,
          });
          if (res.status !== 201) throw new Error(`manifest for ${repo}: ${res.status} ${await res.text()}`);
          return res.headers.get('docker-content-digest')!;
        }),
      )),
    );
  }
  return digests;
}

/** A config file in a new temp dir watching each repository's `latest`; returns the dir and the file. */
export function writeBenchConfig(prefix: string, registry: string, repos: readonly string[], extra: Record<string, unknown>): { dir: string; config: string } {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  const config = path.join(dir, 'config.json');
  writeFileSync(config, JSON.stringify({ runtimes: repos.map((repo, i) => ({ name: `r${i}`, image: `${registry}/${repo}:latest` })), ...extra }));
  return { dir, config };
}
