/** Reading the Docker daemon's answers to failed API calls (dockerode's errors). */

/** The HTTP status of a failed API call (404: no such object, 304: already in that state ...). */
export const statusCode = (e: unknown) => (e as { statusCode?: number }).statusCode;
/** The daemon's own message of a failed API call (dockerode puts the response body in `json`). */
export const apiMessage = (e: unknown) => String((e as any)?.json?.message ?? (e as Error).message ?? e).trim();
