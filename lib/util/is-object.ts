/** A JSON object (not null, not an array): parsed config, templates, API documents, TOML tables. */
export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
