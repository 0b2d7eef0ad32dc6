const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Whether a path parameter is a UUID, so a lookup by a malformed id answers 404 without a query. */
export function isUuid(value: string): boolean {
  return UUID.test(value);
}

/** `base` and `path` joined with exactly one slash, whatever slashes either brings. */
export function joinUrl(base: string, path: string): string {
  return `${base.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`;
}
