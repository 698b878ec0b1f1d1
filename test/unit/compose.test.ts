import type Docker from 'dockerode';
import { describe, expect, it } from 'vitest';
import { composeMember, dependenciesFirst, dependentsToRestart } from '../../electron/core/docker/compose.js';

const c = (name: string, labels: Record<string, string>): { name: string; Config: { Labels: Record<string, string> } } => ({
  name,
  Config: { Labels: labels },
});
const svc = (service: string, dependsOn?: string, project = 'p'): Record<string, string> => ({
  'com.docker.compose.project': project,
  'com.docker.compose.service': service,
  ...(dependsOn ? { 'com.docker.compose.depends_on': dependsOn } : {}),
});

describe('compose dependencies', () => {
  it('reads compose v2 depends_on labels', () => {
    expect(composeMember(svc('web', 'db:service_healthy:true,cache:service_started:false'))).toEqual({
      project: 'p',
      service: 'web',
      dependsOn: [
        { service: 'db', restart: true },
        { service: 'cache', restart: false },
      ],
    });
    expect(composeMember({ other: 'x' })).toBeNull();
  });

  it('puts dependencies first, per project, and keeps the order otherwise', () => {
    const list = [
      c('web', svc('web', 'api:service_started:false')),
      c('api', svc('api', 'db:service_started:false')),
      c('other-db', svc('db', undefined, 'q')),
      c('db', svc('db')),
      c('plain', {}),
    ];
    expect(dependenciesFirst(list).map((x) => x.name)).toEqual(['db', 'api', 'web', 'other-db', 'plain']);
    // A cycle, which compose itself refuses, is broken where it is met instead of looping.
    const cycle = [c('a', svc('a', 'b:service_started:false')), c('b', svc('b', 'a:service_started:false'))];
    expect(dependenciesFirst(cycle).map((x) => x.name)).toEqual(['b', 'a']);
  });

  it('restarts only running dependents of the same project that asked for it', () => {
    const info = (Id: string, State: string, labels: Record<string, string>): Docker.ContainerInfo =>
      ({ Id, State, Labels: labels }) as unknown as Docker.ContainerInfo;
    const all = [
      info('1', 'running', svc('worker', 'db:service_started:true')),
      info('2', 'running', svc('web', 'db:service_started:false')),
      info('3', 'exited', svc('cron', 'db:service_started:true')),
      info('4', 'running', svc('worker', 'db:service_started:true', 'other')),
    ];
    expect(dependentsToRestart(all, 'p', 'db').map((x) => x.Id)).toEqual(['1']);
  });
});
