/**
 * The admission hook: at PRE_SCALE_UP, before ECS starts any task of the new revision ("The green
 * service revision has not started", https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_DeploymentLifecycleHook.html),
 * it checks every container image of that revision and answers FAILED, naming the image and the
 * reason, unless each one
 * - is in the expected repository (the CDK assets repository of this account and region);
 * - resolves to a sha256 digest: pinned in the reference, or its tag resolved by ECR DescribeImages
 *   (CDK asset tags are content hashes; the digest ECR holds for the tag is the one checked, and
 *   when the revision already records the digest ECS resolved for the container, the two must agree);
 * - has a signature ECR managed signing completed, when signing is required
 *   (DescribeImageSigningStatus, https://docs.aws.amazon.com/AmazonECR/latest/userguide/managed-signing.html);
 * - has a finished scan without findings of a blocked severity outside the accepted list, when
 *   severities are blocked (DescribeImageScanFindings: basic findings, or enhanced scanning's
 *   Inspector findings).
 * Any API error, or no answer before the deadline, is FAILED with the call and the error: it fails
 * closed. lib/deploy-hooks/lifecycle-hook-contract.ts cites the hook contract.
 */
import { ECRClient, DescribeImageScanFindingsCommand, DescribeImageSigningStatusCommand, DescribeImagesCommand } from '@aws-sdk/client-ecr';
import { DescribeServiceRevisionsCommand, DescribeTaskDefinitionCommand, ECSClient } from '@aws-sdk/client-ecs';
import { escapeControl } from '../audit/untrusted-text';
import { type HookContext, type LifecycleHookEvent, type LifecycleHookResponse, readLifecycleEvent } from './lifecycle-hook-contract';
import { admissionEnvironment, type ImageAdmissionSettings } from './image-admission-settings';
import {
  blockingFindings,
  digestProblem,
  type ImageReference,
  parseImageReference,
  repositoryProblem,
  SCAN_DONE,
  type ScanFinding,
} from './image-admission-policy';

/** Time kept back from the function's own timeout to answer FAILED instead of being killed. */
const ANSWER_MARGIN_MS = 5_000;
/** Each HTTP request's own bounds (the whole run is also under the invocation's deadline). */
const REQUEST_TIMEOUTS = { connectionTimeout: 3_000, requestTimeout: 10_000, throwOnRequestTimeout: true } as const;

export interface AdmissionClients {
  readonly ecs: ECSClient;
  readonly ecr: ECRClient;
}

/** The clients the Lambda uses: its region, bounded requests, the SDK's standard retries. */
export function createAdmissionClients(
  config: { region?: string; endpoint?: string; credentials?: { accessKeyId: string; secretAccessKey: string } } = {},
): AdmissionClients {
  const common = { ...config, requestHandler: REQUEST_TIMEOUTS, maxAttempts: 2 };
  return { ecs: new ECSClient(common), ecr: new ECRClient(common) };
}

const failed = (reason: string): LifecycleHookResponse => ({ hookStatus: 'FAILED', reason: escapeControl(reason) });

/** "DescribeImages: AccessDeniedException: …": the call and what AWS (or the deadline) said. */
function callError(call: string, e: unknown): Error {
  const name = e instanceof Error ? e.name : 'Error';
  const message = e instanceof Error ? e.message : String(e);
  return new Error(`${call} failed (${name}: ${message})`);
}

/** Runs one SDK call under the invocation's abort signal, naming the call in its error. */
async function call<T>(name: string, signal: AbortSignal, send: (options: { abortSignal: AbortSignal }) => Promise<T>): Promise<T> {
  try {
    return await send({ abortSignal: signal });
  } catch (e) {
    throw callError(name, signal.aborted ? new Error('no answer before the hook deadline') : e);
  }
}

interface ContainerImage {
  readonly container: string;
  readonly image: string;
  /** The digest ECS recorded for the container in the revision, if it has one yet. */
  readonly resolvedDigest?: string;
}

/** The new revision's containers and images: the revision's task definition, read from ECS. */
async function revisionImages(event: LifecycleHookEvent, ecs: ECSClient, signal: AbortSignal): Promise<ContainerImage[]> {
  const revisions = await call('ECS DescribeServiceRevisions', signal, (o) =>
    ecs.send(new DescribeServiceRevisionsCommand({ serviceRevisionArns: [event.targetServiceRevisionArn] }), o),
  );
  const revision = revisions.serviceRevisions?.[0];
  if (!revision?.taskDefinition) throw new Error(`ECS has no service revision ${event.targetServiceRevisionArn} (${JSON.stringify(revisions.failures ?? [])})`);
  const described = await call('ECS DescribeTaskDefinition', signal, (o) =>
    ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: revision.taskDefinition }), o),
  );
  const containers = described.taskDefinition?.containerDefinitions ?? [];
  if (containers.length === 0) throw new Error(`task definition ${revision.taskDefinition} has no containers`);
  return containers.map((c) => ({
    container: c.name ?? '(unnamed)',
    image: c.image ?? '',
    resolvedDigest: revision.containerImages?.find((i) => i.containerName === c.name)?.imageDigest,
  }));
}

/** The digest to check: the pinned one, or the one ECR holds for the tag (which must match what ECS resolved). */
async function digestOf(c: ContainerImage, ref: ImageReference, repositoryName: string, ecr: ECRClient, signal: AbortSignal): Promise<string | string[]> {
  if (ref.digest) return ref.digest;
  if (!ref.tag) return ['has neither a tag nor a digest'];
  const images = await call('ECR DescribeImages', signal, (o) =>
    ecr.send(new DescribeImagesCommand({ repositoryName, imageIds: [{ imageTag: ref.tag }] }), o),
  ).catch((e: Error) => (/ImageNotFoundException/.test(e.message) ? undefined : Promise.reject(e)));
  const digest = images?.imageDetails?.[0]?.imageDigest;
  if (!digest) return [`tag "${ref.tag}" resolves to no digest in ECR`];
  if (c.resolvedDigest && c.resolvedDigest !== digest) return [`tag "${ref.tag}" is ${digest} in ECR but the revision runs ${c.resolvedDigest}`];
  return digest;
}

async function signatureProblems(repositoryName: string, digest: string, ecr: ECRClient, signal: AbortSignal): Promise<string[]> {
  const answer = await call('ECR DescribeImageSigningStatus', signal, (o) =>
    ecr.send(new DescribeImageSigningStatusCommand({ repositoryName, imageId: { imageDigest: digest } }), o),
  );
  const statuses = answer.signingStatuses ?? [];
  if (statuses.some((s) => s.status === 'COMPLETE')) return [];
  const seen = statuses.map((s) => `${s.status}${s.failureReason ? ` (${s.failureReason})` : ''}`).join(', ');
  return [`is not signed (signing status: ${seen || 'none'})`];
}

async function scanProblems(repositoryName: string, digest: string, s: ImageAdmissionSettings, ecr: ECRClient, signal: AbortSignal): Promise<string[]> {
  const findings: ScanFinding[] = [];
  let nextToken: string | undefined;
  let status: string | undefined;
  do {
    const page = await call('ECR DescribeImageScanFindings', signal, (o) =>
      ecr.send(new DescribeImageScanFindingsCommand({ repositoryName, imageId: { imageDigest: digest }, nextToken, maxResults: 1000 }), o),
    ).catch((e: Error) => (/ScanNotFoundException/.test(e.message) ? undefined : Promise.reject(e)));
    if (!page) return ['has no scan result (ScanNotFoundException)'];
    status = page.imageScanStatus?.status;
    const result = page.imageScanFindings;
    for (const f of result?.findings ?? []) findings.push({ id: f.name ?? '(unnamed)', severity: String(f.severity) });
    for (const f of result?.enhancedFindings ?? [])
      findings.push({ id: f.packageVulnerabilityDetails?.vulnerabilityId ?? f.title ?? '(unnamed)', severity: String(f.severity) });
    nextToken = page.nextToken;
  } while (nextToken);
  if (!SCAN_DONE.some((done) => done === status)) return [`has no finished scan (status ${status ?? 'none'})`];
  const blocking = blockingFindings(findings, s.blockSeverities, s.acceptedFindings);
  return blocking.length === 0 ? [] : [`has unaccepted findings: ${blocking.map((f) => `${f.id} (${f.severity})`).join(', ')}`];
}

/** Every problem of one container's image, each a phrase after the image's name. */
async function imageProblems(c: ContainerImage, s: ImageAdmissionSettings, ecr: ECRClient, signal: AbortSignal): Promise<string[]> {
  const ref = parseImageReference(c.image);
  const wrong = repositoryProblem(ref, s.repositoryUri) ?? digestProblem(ref);
  if (wrong) return [wrong];
  const repositoryName = s.repositoryUri.slice(s.repositoryUri.indexOf('/') + 1);
  const digest = await digestOf(c, ref, repositoryName, ecr, signal);
  if (typeof digest !== 'string') return digest;
  return [
    ...(s.requireSignature ? await signatureProblems(repositoryName, digest, ecr, signal) : []),
    ...(s.blockSeverities.length > 0 ? await scanProblems(repositoryName, digest, s, ecr, signal) : []),
  ];
}

/** Decide one invocation. Never throws: an error is a FAILED answer saying why. */
export async function admitImages(event: unknown, context: HookContext, s: ImageAdmissionSettings, clients: AdmissionClients): Promise<LifecycleHookResponse> {
  const read = readLifecycleEvent(event);
  if ('problem' in read) return failed(`refused: ${read.problem}`);
  const timeLeft = context.getRemainingTimeInMillis() - ANSWER_MARGIN_MS;
  if (timeLeft <= 0) return failed('no time left to check the images before the function times out');
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), timeLeft);
  try {
    const images = await revisionImages(read.event, clients.ecs, abort.signal);
    const problems: string[] = [];
    for (const c of images) {
      for (const p of await imageProblems(c, s, clients.ecr, abort.signal)) problems.push(`container ${c.container} image ${c.image} ${p}`);
    }
    if (problems.length > 0) return failed(`image admission refused: ${problems.join('; ')}`);
    return { hookStatus: 'SUCCEEDED', reason: escapeControl(`image admission: ${images.map((c) => `${c.container} ${c.image}`).join(', ')} admitted`) };
  } catch (e) {
    return failed(`image admission could not decide, failing closed: ${e instanceof Error ? e.message : String(e)}`);
  } finally {
    clearTimeout(timer);
  }
}

/** The Lambda entry point: decides with the function's settings and region, logs the decision, answers ECS. */
export async function handler(event: unknown, context: HookContext): Promise<LifecycleHookResponse> {
  const settings = admissionEnvironment.read(process.env);
  const response = await admitImages(event, context, settings, createAdmissionClients({ region: process.env.AWS_REGION }));
  console.log(JSON.stringify(response));
  return response;
}
