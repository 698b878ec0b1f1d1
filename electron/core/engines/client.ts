// The narrow client every part of the core uses to act on an engine: exactly the engine calls
// imagewatch makes, and nothing else. dockerode's client satisfies it as it is (connect.ts makes
// one), so dockerode stays behind this file and connect.ts: lint refuses a dockerode import
// anywhere else in the core. A fake engine for fault injection implements the same interface.
// The Docker API's shapes (container lists, inspections, create options) are re-exported under
// the names the core uses, so a type from dockerode never leaks in by another name.
import type Docker from 'dockerode';

export type ContainerSummary = Docker.ContainerInfo;
export type ContainerInspect = Docker.ContainerInspectInfo;
export type ContainerCreateSpec = Docker.ContainerCreateOptions;
export type EndpointsConfig = Docker.EndpointsConfig;
export type HostConfig = Docker.HostConfig;
export type ImageInspect = Docker.ImageInspectInfo;
export type EngineVersion = Docker.DockerVersion;
export type ServiceInspect = Docker.Service;
export type ServiceSpec = Docker.ServiceSpec;
export type ServiceUpdateStatus = Docker.UpdateStatus;

/** A Swarm task as imagewatch reads it (dockerode leaves tasks untyped). */
export interface TaskSummary {
  ID: string;
  ServiceID?: string;
  NodeID?: string;
  DesiredState?: string;
  Spec?: { ContainerSpec?: { Image?: string } };
  Status?: { State?: string; Message?: string; Err?: string };
}

/** The part of the engine's `info` imagewatch reads: whether it is a Swarm manager. */
export interface EngineInfo {
  Swarm?: { LocalNodeState?: string; ControlAvailable?: boolean; NodeID?: string };
}

/** One Swarm service: reading it, and sending its updated spec (`_query` and `_body` as docker-modem takes them). */
export interface ServiceHandle {
  id: string;
  inspect(): Promise<ServiceInspect>;
  update(options: { authconfig?: unknown; _query: Record<string, string | number>; _body: ServiceSpec }): Promise<unknown>;
}

/** One container: what a replacement and its recovery do to it, and the hooks run in it (exec). */
export type ContainerHandle = Pick<Docker.Container, 'id' | 'inspect' | 'start' | 'stop' | 'restart' | 'remove' | 'rename' | 'logs' | 'exec'>;

/** One network: joining, leaving, reading and removing it. */
export type NetworkHandle = Pick<Docker.Network, 'id' | 'inspect' | 'connect' | 'disconnect' | 'remove'>;

/** One image: its inspection, and its removal (never forced: old images are cleaned only when unused). */
export type ImageHandle = Pick<Docker.Image, 'inspect' | 'remove'>;

export interface EngineClient {
  ping(): Promise<unknown>;
  version(): Promise<EngineVersion>;
  listContainers(options?: { all?: boolean; filters?: Record<string, string[]> }): Promise<ContainerSummary[]>;
  getContainer(id: string): ContainerHandle;
  createContainer(spec: ContainerCreateSpec): Promise<ContainerHandle>;
  getNetwork(id: string): NetworkHandle;
  createNetwork(spec: Docker.NetworkCreateOptions): Promise<unknown>;
  getImage(name: string): ImageHandle;
  /** A pull's progress stream (JSON lines), as the engine sends it. */
  pull(name: string, options: Record<string, unknown>): Promise<unknown>;
  info(): Promise<EngineInfo>;
  listServices(options?: { filters?: Record<string, string[]> }): Promise<ServiceInspect[]>;
  getService(id: string): ServiceHandle;
  listTasks(options?: { filters?: Record<string, string[]> }): Promise<TaskSummary[]>;
}
