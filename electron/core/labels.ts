// Every container label imagewatch reads or writes, in one file, by who sets it:
// - the user, on the containers imagewatch may touch (`imagewatch.*`, short to type); the
//   opt-outs of Watchtower and What's Up Docker count too, because people moving from those
//   tools have already set them on the containers they want left alone;
// - imagewatch itself, on the containers and networks it creates (`io.imagewatch.*`: reverse
//   DNS as Docker asks of tools' labels, and what every imagewatch so far has written, so a
//   temporary left by an older run is still recognised);
// - the engine's orchestrators and compose, whose labels say who else owns a container.

import { LinkTemplateSchema } from '../../shared/schemas.js';
import type { TagFilters } from './versions/tags/newer.js';

/** `imagewatch.enable=true` opts a container in (discovery's opt-in mode); `false` opts it out. */
export const ENABLE_LABEL = 'imagewatch.enable';
/** `imagewatch.overlap=true`: the new copy may start beside the old one even though they share volumes. */
export const OVERLAP_LABEL = 'imagewatch.overlap';
/** `imagewatch.warm-start=false` opts out of the warm start; `true` allows it despite writable mounts. */
export const WARM_START_LABEL = 'imagewatch.warm-start';

/**
 * A release link template (`https://…/${version}`), for the window's "What changed". What's Up
 * Docker's name is honoured too, with its ${major}/${minor}/${patch}, since its users set it.
 */
export const LINK_TEMPLATE_LABELS = ['imagewatch.link.template', 'wud.link.template'] as const;

/**
 * Which tags count when looking for newer ones: a regex to include, one to exclude, and a
 * `regex => replacement` transform. What's Up Docker's `wud.tag.*` are honoured, since its
 * users already set them; ours win where both are set.
 */
const TAG_FILTER_LABELS = {
  include: ['imagewatch.tag.include', 'wud.tag.include'],
  exclude: ['imagewatch.tag.exclude', 'wud.tag.exclude'],
  transform: ['imagewatch.tag.transform', 'wud.tag.transform'],
} as const;

/** A hook's labels: imagewatch's own (timeout in seconds) and Watchtower's (timeout in minutes). */
export interface HookLabels {
  own: string;
  ownTimeout: string;
  watchtower: string;
  watchtowerTimeout: string;
}

/**
 * Commands run inside the container around an update, only when the config says `"hooks": true`
 * (a label alone never makes imagewatch run a command): pre-update in the old container before
 * it stops, post-update in the new one once it is ready. See update/hooks/.
 */
export const HOOK_LABELS: Record<'pre-update' | 'post-update', HookLabels> = {
  'pre-update': {
    own: 'imagewatch.pre-update',
    ownTimeout: 'imagewatch.pre-update-timeout',
    watchtower: 'com.centurylinklabs.watchtower.lifecycle.pre-update',
    watchtowerTimeout: 'com.centurylinklabs.watchtower.lifecycle.pre-update-timeout',
  },
  'post-update': {
    own: 'imagewatch.post-update',
    ownTimeout: 'imagewatch.post-update-timeout',
    watchtower: 'com.centurylinklabs.watchtower.lifecycle.post-update',
    watchtowerTimeout: 'com.centurylinklabs.watchtower.lifecycle.post-update-timeout',
  },
};

const OPT_OUT: ReadonlyArray<readonly [label: string, value: string]> = [
  [ENABLE_LABEL, 'false'],
  ['com.centurylinklabs.watchtower.enable', 'false'],
  ['wud.watch', 'false'],
];

/** The prefix of the marks imagewatch writes; a replacement never copies them from the old container. */
export const MARK_PREFIX = 'io.imagewatch.';
/** host/pid/start of the imagewatch process that created the container. */
export const OWNER_LABEL = `${MARK_PREFIX}owner`;
/** The id of the container this one (or this warm-start network) was created to replace. */
export const REPLACES_LABEL = `${MARK_PREFIX}replaces`;

/**
 * Not labels, but imagewatch's other mark on a container: the names a replacement gives the new
 * container until it takes over, and the old one while it steps aside. Discovery skips both.
 */
export const TEMP_SUFFIX_NEW = '.imagewatch-new';
export const TEMP_SUFFIX_OLD = '.imagewatch-old';

export const COMPOSE_PROJECT = 'com.docker.compose.project';
export const COMPOSE_SERVICE = 'com.docker.compose.service';
export const COMPOSE_DEPENDS_ON = 'com.docker.compose.depends_on';
/** The image ID compose recorded; a replacement's copy is set to the new image's ID. */
export const COMPOSE_IMAGE_LABEL = 'com.docker.compose.image';
/** Set on every Swarm task's container. */
export const SWARM_TASK_LABEL = 'com.docker.swarm.task.id';
/** The prefix of the labels the kubelet sets on a pod's containers. */
export const KUBERNETES_PREFIX = 'io.kubernetes.';

/** A user label's value as the tools compare it: trimmed, case-insensitive. */
function flag(labels: Record<string, string> | null | undefined, label: string): string | undefined {
  return labels?.[label]?.trim().toLowerCase();
}

/** The `label=value` a container opted out with, or null. */
export function optedOutBy(labels: Record<string, string> | null | undefined): string | null {
  if (!labels) return null;
  for (const [label, value] of OPT_OUT) {
    if (flag(labels, label) === value) return `${label}=${labels[label]}`;
  }
  return null;
}

export function optedIn(labels: Record<string, string> | null | undefined): boolean {
  return flag(labels, ENABLE_LABEL) === 'true';
}

/** The first release link template a container's labels set that is an http(s) URL; one that is not is ignored. */
export function linkTemplate(labels: Record<string, string> | null | undefined): string | undefined {
  for (const label of LINK_TEMPLATE_LABELS) {
    const value = labels?.[label]?.trim();
    if (value && LinkTemplateSchema.safeParse(value).success) return value;
  }
  return undefined;
}

/**
 * The tag filters a container's labels set, as written: one that does not compile is said when
 * newer tags are looked for (and none are then), never taken for another filter.
 */
export function tagFilters(labels: Record<string, string> | null | undefined): TagFilters | undefined {
  const filters: TagFilters = {};
  for (const [key, names] of Object.entries(TAG_FILTER_LABELS) as Array<[keyof typeof TAG_FILTER_LABELS, readonly string[]]>) {
    const label = names.find((name) => labels?.[name]?.trim());
    if (label) filters[key] = labels![label]!.trim().slice(0, 600);
  }
  return Object.keys(filters).length ? filters : undefined;
}
