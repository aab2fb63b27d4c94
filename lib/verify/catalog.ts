/**
 * The probes `verify` runs, in the order it runs them. The gates come first (nothing else can be
 * judged without an answer, nor sent to a listener whose certificate does not verify); the slow-client probe runs alongside the rest (it mostly waits); the
 * rate-limit flood comes last but for the forged X-Forwarded-For probe, which needs its limited
 * client: everything before it stays inside the burst of a hardened target.
 */
import type { Probe } from './probe';
import { bodyLimit } from './probes/body-limit';
import { dotfiles, pathTraversal, phpFpmPages } from './probes/forbidden-paths';
import { forwardedFor } from './probes/forwarded-for';
import { methodAllowList } from './probes/method-allow-list';
import { rateLimit } from './probes/rate-limit';
import { securityHeaders } from './probes/security-headers';
import { serverDisclosure } from './probes/server-disclosure';
import { serves } from './probes/serves';
import { slowClient } from './probes/slow-client';
import { hsts, httpsRedirect, tlsCertificate, tlsVersions } from './probes/tls';

/**
 * Run first, in this order; when one cannot answer (or the certificate does not verify, so no request
 * may carry the URL's credentials) nothing else runs.
 */
export const GATES: readonly Probe[] = [tlsCertificate, serves];
export const BACKGROUND_PROBE = slowClient;
export const SEQUENTIAL_PROBES: readonly Probe[] = [
  securityHeaders,
  serverDisclosure,
  methodAllowList,
  bodyLimit,
  dotfiles,
  pathTraversal,
  phpFpmPages,
  tlsVersions,
  httpsRedirect,
  hsts,
  rateLimit,
  forwardedFor,
];

/** Every probe, in report order. */
export const PROBES: readonly Probe[] = [
  serves,
  securityHeaders,
  serverDisclosure,
  methodAllowList,
  bodyLimit,
  dotfiles,
  pathTraversal,
  phpFpmPages,
  tlsVersions,
  tlsCertificate,
  httpsRedirect,
  hsts,
  slowClient,
  rateLimit,
  forwardedFor,
];
