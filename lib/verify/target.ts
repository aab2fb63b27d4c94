/**
 * The URL `secure-ecs verify` probes. It is input: checked once here (an http or https URL, nothing
 * else), and never printed as given: user-info and query values can carry credentials, so the
 * printed form drops the one and masks the others.
 */

/** Bad input to verify (a URL or an option): the CLI prints it as one line and exits 2. */
export class VerifyInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'VerifyInputError';
  }
}

export interface VerifyTarget {
  /** The parsed URL, user-info included (sent as Basic authentication, never printed). */
  readonly url: URL;
  readonly https: boolean;
  /** The URL as reports print it: no user-info, every query value `***`. */
  readonly shown: string;
}

/** `url` with its user-info removed and each query value replaced by `***`. */
export function shownUrl(url: URL): string {
  const names = [...url.searchParams.keys()];
  const query = names.length === 0 ? '' : `?${names.map((n) => `${encodeURIComponent(n)}=***`).join('&')}`;
  return `${url.protocol}//${url.host}${url.pathname}${query}`;
}

export function parseTarget(text: string): VerifyTarget {
  if (text.trim() === '') throw new VerifyInputError('the URL is empty (an unset variable?); give an http or https URL');
  if (!URL.canParse(text)) throw new VerifyInputError('the URL cannot be parsed; give an http or https URL such as https://example.com/');
  const url = new URL(text);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    // The scheme alone: the rest of an unparseable or foreign URL may be a secret.
    throw new VerifyInputError(`the URL must be http or https; received a ${JSON.stringify(url.protocol.slice(0, 20))} URL`);
  }
  try {
    decodeURIComponent(url.username + url.password);
  } catch {
    throw new VerifyInputError('the user-info of the URL is not valid percent-encoding');
  }
  url.hash = '';
  return { url, https: url.protocol === 'https:', shown: shownUrl(url) };
}
