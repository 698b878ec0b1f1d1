// Turning an inspected container into the create request for its replacement.
// Inspect shows the *merged* config (image defaults plus what the user set). Copying it
// verbatim would pin the old image's CMD, ENV and labels onto the new image, so values
// equal to the old image's defaults are left out and the new image's defaults apply.
import { MARK_PREFIX } from '../../labels.js';
import { isDeepStrictEqual } from 'node:util';
import type { ContainerCreateSpec, ContainerInspect, EndpointsConfig, HostConfig } from '../../engines/client.js';
import type { ImageDefaults } from '../../docker/images.js';

export type { ImageDefaults };

type Inspect = ContainerInspect;

export interface EndpointSpec {
  IPAMConfig?: Record<string, unknown>;
  Links?: string[];
  Aliases?: string[];
  DriverOpts?: Record<string, string>;
  MacAddress?: string;
}

export interface CloneSpec {
  create: ContainerCreateSpec;
  /** Networks to connect after create: engines before API 1.44 accept one network at create. */
  extraNetworks: Array<{ name: string; endpoint: EndpointSpec }>;
}

/** Network modes that are not user-defined networks and take no endpoint settings. */
const SPECIAL_NETWORK_MODES = new Set(['default', 'bridge', 'host', 'none', '']);

/** Whether a network (or network mode) is one the user defined, not the engine's bridge, host or none. */
export function isUserNetwork(name: string): boolean {
  return !SPECIAL_NETWORK_MODES.has(name) && !name.startsWith('container:');
}

function differs(value: unknown, imageValue: unknown): boolean {
  if (value === null || value === undefined) return false;
  if (imageValue === null || imageValue === undefined) return true;
  return !isDeepStrictEqual(value, imageValue);
}

function subtractKeys<T>(value: Record<string, T> | null | undefined, image: Record<string, unknown> | null | undefined): Record<string, T> | undefined {
  if (!value) return undefined;
  const out: Record<string, T> = {};
  for (const [key, v] of Object.entries(value)) {
    if (!image || !(key in image)) out[key] = v;
  }
  return Object.keys(out).length ? out : undefined;
}

function subtractLabels(
  labels: Record<string, string> | null | undefined,
  image: Record<string, string> | null | undefined,
): Record<string, string> | undefined {
  if (!labels) return undefined;
  const out: Record<string, string> = {};
  for (const [key, v] of Object.entries(labels)) {
    if (!image || image[key] !== v) out[key] = v;
  }
  return out;
}

/** `/other:/me/alias` as inspect reports it, back to the `other:alias` form create accepts. */
function normaliseLink(link: string): string {
  const [target = '', alias = ''] = link.split(':');
  return `${target.replace(/^\//, '')}:${alias.slice(alias.lastIndexOf('/') + 1)}`;
}

function bindTarget(bind: string): string | undefined {
  // `src:dst[:mode]`; Linux paths and volume names hold no colon.
  return bind.split(':')[1];
}

function nonEmptyObject(value: unknown): value is Record<string, unknown> {
  return (
    typeof value === 'object' &&
    value !== null &&
    Object.values(value).some((v) => v !== '' && v !== null && v !== undefined && !(Array.isArray(v) && v.length === 0))
  );
}

function endpointSpec(info: Inspect, endpoint: Record<string, unknown>, allowAliases: boolean): EndpointSpec {
  const spec: EndpointSpec = {};
  const shortId = info.Id.slice(0, 12);
  if (nonEmptyObject(endpoint.IPAMConfig)) spec.IPAMConfig = endpoint.IPAMConfig;
  if (Array.isArray(endpoint.Links) && endpoint.Links.length) spec.Links = (endpoint.Links as string[]).map(normaliseLink);
  if (allowAliases && Array.isArray(endpoint.Aliases)) {
    // The engine adds the short container ID as an alias itself; copying it is rejected by
    // newer engines and would point at a container that no longer exists.
    const aliases = (endpoint.Aliases as string[]).filter((a) => a !== shortId && a !== info.Id);
    if (aliases.length) spec.Aliases = aliases;
  }
  if (nonEmptyObject(endpoint.DriverOpts)) spec.DriverOpts = endpoint.DriverOpts as Record<string, string>;
  // Endpoint MACs are generated unless the user set one, which older engines record in Config.
  const userMac = (info.Config as { MacAddress?: string }).MacAddress;
  if (userMac && endpoint.MacAddress === userMac) spec.MacAddress = userMac;
  return spec;
}

export function buildCloneSpec(info: Inspect, image: ImageDefaults, name: string): CloneSpec {
  const config = info.Config;
  const create: ContainerCreateSpec = { name, Image: config.Image };

  if (config.Hostname && !info.Id.startsWith(config.Hostname)) create.Hostname = config.Hostname;
  if (config.Domainname) create.Domainname = config.Domainname;
  if (differs(config.User || undefined, image.User || undefined)) create.User = config.User;
  create.AttachStdin = config.AttachStdin;
  create.AttachStdout = config.AttachStdout;
  create.AttachStderr = config.AttachStderr;
  create.Tty = config.Tty;
  create.OpenStdin = config.OpenStdin;
  create.StdinOnce = config.StdinOnce;

  const imageEnv = new Set(image.Env ?? []);
  const env = (config.Env ?? []).filter((entry) => !imageEnv.has(entry));
  if (env.length) create.Env = env;
  if (differs(config.Cmd, image.Cmd)) create.Cmd = config.Cmd;
  if (differs(config.Entrypoint, image.Entrypoint)) create.Entrypoint = config.Entrypoint;
  if (differs(config.WorkingDir || undefined, image.WorkingDir || undefined)) create.WorkingDir = config.WorkingDir;
  // imagewatch's own marks describe one replacement; the next one writes its own.
  const labels = subtractLabels(Object.fromEntries(Object.entries(config.Labels ?? {}).filter(([key]) => !key.startsWith(MARK_PREFIX))), image.Labels);
  if (labels && Object.keys(labels).length) create.Labels = labels;
  const exposed = subtractKeys(config.ExposedPorts, image.ExposedPorts);
  if (exposed) create.ExposedPorts = exposed;
  const volumes = subtractKeys(config.Volumes, image.Volumes);
  if (volumes) create.Volumes = volumes;
  const extra = config as { StopSignal?: string; StopTimeout?: number; Shell?: string[]; MacAddress?: string; NetworkDisabled?: boolean };
  if (differs(extra.StopSignal || undefined, image.StopSignal || undefined)) create.StopSignal = extra.StopSignal;
  if (typeof extra.StopTimeout === 'number') create.StopTimeout = extra.StopTimeout;
  if (differs(config.Healthcheck, image.Healthcheck)) create.Healthcheck = config.Healthcheck;
  if (differs(extra.Shell, image.Shell)) create.Shell = extra.Shell;
  if (extra.MacAddress) create.MacAddress = extra.MacAddress;
  if (extra.NetworkDisabled) create.NetworkDisabled = true;

  const hostConfig: HostConfig = { ...info.HostConfig };
  if (hostConfig.Links) hostConfig.Links = hostConfig.Links.map(normaliseLink);
  // Volumes that exist only in Mounts (anonymous ones, and the image's VOLUMEs) are
  // re-attached by name; otherwise the new container would get fresh, empty volumes.
  const binds = [...(hostConfig.Binds ?? [])];
  const claimed = new Set<string>([...binds.map(bindTarget).filter((t): t is string => t !== undefined), ...(hostConfig.Mounts ?? []).map((m) => m.Target)]);
  for (const mount of info.Mounts ?? []) {
    if (mount.Type !== 'volume' || !mount.Name || claimed.has(mount.Destination)) continue;
    binds.push(`${mount.Name}:${mount.Destination}${mount.RW ? '' : ':ro'}`);
    claimed.add(mount.Destination);
  }
  if (binds.length) hostConfig.Binds = binds;
  create.HostConfig = hostConfig;

  const networkMode = hostConfig.NetworkMode ?? 'default';
  const extraNetworks: CloneSpec['extraNetworks'] = [];
  const sharesNamespace = networkMode.startsWith('container:') || networkMode === 'host' || networkMode === 'none';
  if (!sharesNamespace) {
    const networks = (info.NetworkSettings?.Networks ?? {}) as Record<string, Record<string, unknown>>;
    const endpoints: Record<string, EndpointSpec> = {};
    for (const [net, endpoint] of Object.entries(networks)) {
      const userDefined = isUserNetwork(net);
      const spec = endpointSpec(info, endpoint, userDefined);
      if (net === networkMode || (SPECIAL_NETWORK_MODES.has(networkMode) && net === 'bridge')) {
        endpoints[net] = spec;
      } else {
        extraNetworks.push({ name: net, endpoint: spec });
      }
    }
    if (Object.keys(endpoints).length) {
      create.NetworkingConfig = { EndpointsConfig: endpoints as EndpointsConfig };
    }
  }
  return { create, extraNetworks };
}
