// The labels by which users say which containers an updater may touch. imagewatch reads its
// own and also Watchtower's and What's Up Docker's, because people moving from those tools
// have already set them on the containers they want left alone.

/** `imagewatch.enable=true` opts a container in (discovery's opt-in mode); `false` opts it out. */
export const ENABLE_LABEL = 'imagewatch.enable';

const OPT_OUT: ReadonlyArray<readonly [label: string, value: string]> = [
  [ENABLE_LABEL, 'false'],
  ['com.centurylinklabs.watchtower.enable', 'false'],
  ['wud.watch', 'false'],
];

/** The `label=value` a container opted out with, or null. Values are compared as the tools do: case-insensitively. */
export function optedOutBy(labels: Record<string, string> | null | undefined): string | null {
  if (!labels) return null;
  for (const [label, value] of OPT_OUT) {
    if (labels[label]?.trim().toLowerCase() === value) return `${label}=${labels[label]}`;
  }
  return null;
}

export function optedIn(labels: Record<string, string> | null | undefined): boolean {
  return labels?.[ENABLE_LABEL]?.trim().toLowerCase() === 'true';
}
