// What imagewatch hands to the system browser: a web page and nothing else. Release links come
// from image labels and the user's templates, so a `file:`, `javascript:` or custom-scheme URL
// from an image's author must never reach shell.openExternal.
export function isWebLink(url: string): boolean {
  try {
    const parsed = new URL(url);
    return (parsed.protocol === 'https:' || parsed.protocol === 'http:') && parsed.hostname !== '';
  } catch {
    return false;
  }
}
