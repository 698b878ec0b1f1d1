// An image's own labels, read from a real registry: the manifest, then the config blob, with
// the token registry's authentication; and the version facts taken from them. The request
// count of a move's read is counted at the registry client.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseReference } from '../../electron/core/image/reference.js';
import { imageVersion } from '../../electron/core/versions/labels.js';
import { RegistryClient } from '../../electron/core/registry/client.js';
import { CredentialChain, DockerConfigCredentials } from '../../electron/core/registry/credentials.js';
import { imageLabels } from '../../electron/core/registry/image-config.js';
import { docker, publish, requireBed, tempDir, uid } from './helpers.js';

const bed = requireBed();
const LINUX = { os: 'linux', architecture: 'amd64' };

describe.skipIf(bed === null)("an image's labels from the registry", () => {
  const b = bed!;
  const id = uid();
  const loginEnv = { DOCKER_CONFIG: tempDir('iw-dockercfg-') };
  const labelled = `${b.registries.open}/labels/app-${id}:latest`;
  const plain = `${b.registries.open}/labels/plain-${id}:latest`;
  const privateRef = `${b.registries.token}/labels/private-${id}:latest`;
  const labels = {
    'org.opencontainers.image.version': '1.1.0',
    'org.opencontainers.image.source': 'https://github.com/example/app',
    'org.opencontainers.image.revision': 'abc1234',
  };
  const clients: RegistryClient[] = [];
  const client = (credentials = new CredentialChain([])): RegistryClient => {
    const made = new RegistryClient({ credentials });
    clients.push(made);
    return made;
  };

  beforeAll(async () => {
    await docker(b, ['login', b.registries.token, '-u', b.user.username, '-p', b.user.password], { env: loginEnv });
    await publish(b, labelled, { version: 'v1.1.0', labels });
    await publish(b, plain, { version: 'plain' });
    await publish(b, privateRef, { version: 'private', labels: { 'org.label-schema.version': '2.0' } }, loginEnv);
  });

  afterAll(() => Promise.all(clients.map((c) => c.close())));

  it('reads the version facts of a tag, in three requests after its lookup', async () => {
    const registry = client();
    const ref = parseReference(labelled);
    const { digest } = await registry.getDigest(ref);
    const before = registry.metrics.requests;
    const read = await imageLabels(registry, ref, digest, LINUX);
    expect(imageVersion(read)).toEqual({ version: '1.1.0', source: 'https://github.com/example/app', revision: 'abc1234' });
    // One image (not an index): its manifest and its config, no more.
    expect(registry.metrics.requests - before).toBeLessThanOrEqual(3);
  });

  it('reads an image without labels as having none, and a private one through the token registry', async () => {
    const open = client();
    const plainRef = parseReference(plain);
    expect(imageVersion(await imageLabels(open, plainRef, (await open.getDigest(plainRef)).digest, LINUX))).toEqual({});

    const authed = client(new CredentialChain([new DockerConfigCredentials({ env: loginEnv })]));
    const ref = parseReference(privateRef);
    const read = await imageLabels(authed, ref, (await authed.getDigest(ref)).digest, LINUX);
    expect(imageVersion(read)).toEqual({ version: '2.0' });
  });
});
