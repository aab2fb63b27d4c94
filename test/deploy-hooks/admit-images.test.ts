/**
 * The admission hook's handler (lib/deploy-hooks/admit-images.ts) with the real ECSClient and
 * ECRClient answered at the seam: a local endpoint speaking the ECS and ECR JSON 1.1 protocols
 * (helpers/aws-json-endpoint.ts). Each refusal is FAILED naming the container, the image and the
 * reason; an API error or an API that never answers fails closed within the hook's deadline; a
 * signed image without blocking findings is admitted.
 */
import { admitImages, createAdmissionClients, handler } from '../../lib/deploy-hooks/admit-images';
import { admissionEnvironment, type ImageAdmissionSettings } from '../../lib/deploy-hooks/image-admission-settings';
import { type AwsCall, type AwsEndpoint, type AwsReply, startAwsEndpoint } from './helpers/aws-json-endpoint';
import { GREEN, hookContext, postTestTrafficShift, postTestTrafficShiftDetails } from './lifecycle-event';

const ACCOUNT = '123456789012';
const REPOSITORY_NAME = `cdk-hnb659fds-container-assets-${ACCOUNT}-eu-west-1`;
const REPOSITORY = `${ACCOUNT}.dkr.ecr.eu-west-1.amazonaws.com/${REPOSITORY_NAME}`;
const TASK_DEFINITION = `arn:aws:ecs:eu-west-1:${ACCOUNT}:task-definition/web:7`;
const PROXY_DIGEST = `sha256:${'a'.repeat(64)}`;
const APP_DIGEST = `sha256:${'b'.repeat(64)}`;
const PROXY_TAG = 'c0ffee'.repeat(10).slice(0, 64);
const IMAGES = { proxy: `${REPOSITORY}:${PROXY_TAG}`, app: `${REPOSITORY}@${APP_DIGEST}` };

/** What ECS sends at PRE_SCALE_UP, in its envelope: the new revision, no traffic weights yet. */
const preScaleUp = {
  ...postTestTrafficShift,
  lifecycleStage: 'PRE_SCALE_UP',
  executionDetails: { ...postTestTrafficShiftDetails, targetServiceRevisionArn: GREEN },
};

const SETTINGS: ImageAdmissionSettings = { repositoryUri: REPOSITORY, requireSignature: true, blockSeverities: ['CRITICAL'], acceptedFindings: [] };

interface Account {
  images?: Partial<typeof IMAGES>;
  signing?: Record<string, unknown[]>;
  findings?: Record<string, unknown[]>;
  /** Replaces the answer to one operation. */
  override?: Record<string, AwsReply>;
}

/** An account whose ECS has the revision and whose ECR has both images, signed, scanned, clean (changed by `a`). */
function account(a: Account = {}): (call: AwsCall) => AwsReply {
  const images = { ...IMAGES, ...a.images };
  return ({ operation, body }) => {
    if (a.override?.[operation]) return a.override[operation];
    switch (operation) {
      case 'DescribeServiceRevisions':
        return body.serviceRevisionArns?.[0] === GREEN
          ? { body: { serviceRevisions: [{ serviceRevisionArn: GREEN, taskDefinition: TASK_DEFINITION, containerImages: [] }], failures: [] } }
          : { body: { serviceRevisions: [], failures: [{ arn: body.serviceRevisionArns?.[0], reason: 'MISSING' }] } };
      case 'DescribeTaskDefinition':
        return {
          body: {
            taskDefinition: {
              taskDefinitionArn: TASK_DEFINITION,
              containerDefinitions: Object.entries(images).map(([name, image]) => ({ name, image })),
            },
          },
        };
      case 'DescribeImages':
        return body.imageIds?.[0]?.imageTag === PROXY_TAG
          ? { body: { imageDetails: [{ repositoryName: REPOSITORY_NAME, imageDigest: PROXY_DIGEST, imageTags: [PROXY_TAG] }] } }
          : { error: 'ImageNotFoundException', message: `The image with imageId {imageTag:'${body.imageIds?.[0]?.imageTag}'} does not exist` };
      case 'DescribeImageSigningStatus': {
        const digest = body.imageId.imageDigest as string;
        const statuses = a.signing?.[digest] ?? [{ signingProfileArn: `arn:aws:signer:eu-west-1:${ACCOUNT}:/signing-profiles/assets`, status: 'COMPLETE' }];
        return { body: { repositoryName: REPOSITORY_NAME, imageId: { imageDigest: digest }, signingStatuses: statuses } };
      }
      case 'DescribeImageScanFindings': {
        const digest = body.imageId.imageDigest as string;
        return {
          body: {
            repositoryName: REPOSITORY_NAME,
            imageId: { imageDigest: digest },
            imageScanStatus: { status: 'ACTIVE', description: 'Continuous scan is selected for image.' },
            imageScanFindings: { enhancedFindings: a.findings?.[digest] ?? [] },
          },
        };
      }
      default:
        return { error: 'InvalidParameterException', message: `unexpected ${operation}` };
    }
  };
}

const critical = (id: string) => ({
  severity: 'CRITICAL',
  title: `${id} - openssl`,
  type: 'PACKAGE_VULNERABILITY',
  packageVulnerabilityDetails: { vulnerabilityId: id, source: 'NVD' },
});

let endpoint: AwsEndpoint | undefined;
afterEach(async () => {
  await endpoint?.close();
  endpoint = undefined;
});

async function decide(a: Account, settings: ImageAdmissionSettings = SETTINGS, msLeft = 60_000) {
  endpoint = await startAwsEndpoint(account(a));
  const clients = createAdmissionClients({
    endpoint: endpoint.url,
    region: 'eu-west-1',
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'test-secret' },
  });
  return admitImages(preScaleUp, hookContext(msLeft), settings, clients);
}

test('signed images without critical findings, one pinned by digest and one by a tag ECR resolves: SUCCEEDED', async () => {
  const r = await decide({});
  expect(r).toEqual({ hookStatus: 'SUCCEEDED', reason: expect.stringContaining(`proxy ${IMAGES.proxy}`) });
  // The tag was resolved, and signature and findings were read for each digest.
  const ecr = endpoint!.calls.filter((c) => c.service === 'ecr');
  expect(ecr.map((c) => `${c.operation} ${c.body.imageId?.imageDigest ?? c.body.imageIds?.[0]?.imageTag}`)).toEqual([
    `DescribeImages ${PROXY_TAG}`,
    `DescribeImageSigningStatus ${PROXY_DIGEST}`,
    `DescribeImageScanFindings ${PROXY_DIGEST}`,
    `DescribeImageSigningStatus ${APP_DIGEST}`,
    `DescribeImageScanFindings ${APP_DIGEST}`,
  ]);
  expect(ecr.every((c) => c.body.repositoryName === REPOSITORY_NAME)).toBe(true);
});

test('an unsigned image: FAILED naming it and its signing status', async () => {
  const r = await decide({ signing: { [APP_DIGEST]: [{ status: 'FAILED', failureReason: 'signing profile revoked' }] } });
  expect(r.hookStatus).toBe('FAILED');
  expect(r.reason).toBe(`image admission refused: container app image ${IMAGES.app} is not signed (signing status: FAILED (signing profile revoked))`);
});

test('an image with no signing status at all is unsigned', async () => {
  const r = await decide({ signing: { [PROXY_DIGEST]: [] } });
  expect(r.reason).toMatch(/container proxy image .* is not signed \(signing status: none\)/);
});

test('an image from another repository: FAILED naming it and the expected repository, without asking ECR', async () => {
  const r = await decide({ images: { app: 'docker.io/library/php:8.3-fpm' } });
  expect(r.hookStatus).toBe('FAILED');
  expect(r.reason).toContain(`container app image docker.io/library/php:8.3-fpm is not from the expected repository ${REPOSITORY}`);
  expect(endpoint!.calls.some((c) => c.body.repositoryName !== undefined && c.body.imageId?.imageDigest === APP_DIGEST)).toBe(false);
});

test('a lookalike repository name is another repository', async () => {
  const r = await decide({ images: { app: `${REPOSITORY}-evil@${APP_DIGEST}` } });
  expect(r.reason).toContain(`is not from the expected repository ${REPOSITORY}`);
});

test('a tag ECR cannot resolve to a digest: FAILED', async () => {
  const r = await decide({ images: { proxy: `${REPOSITORY}:latest` } });
  expect(r.hookStatus).toBe('FAILED');
  expect(r.reason).toBe(`image admission refused: container proxy image ${REPOSITORY}:latest tag "latest" resolves to no digest in ECR`);
});

test('a reference with neither tag nor digest, or a digest that is not sha256: FAILED', async () => {
  expect((await decide({ images: { proxy: REPOSITORY } })).reason).toContain('has neither a tag nor a digest');
  await endpoint!.close();
  endpoint = undefined;
  expect((await decide({ images: { proxy: `${REPOSITORY}@md5:abc` } })).reason).toContain('pins "md5:abc", not a sha256 digest');
});

test('a critical finding: FAILED naming the vulnerability; a high one is not blocked by default', async () => {
  const r = await decide({ findings: { [PROXY_DIGEST]: [critical('CVE-2026-0001'), { ...critical('CVE-2026-0002'), severity: 'HIGH' }] } });
  expect(r.hookStatus).toBe('FAILED');
  expect(r.reason).toBe(`image admission refused: container proxy image ${IMAGES.proxy} has unaccepted findings: CVE-2026-0001 (CRITICAL)`);
});

test('an accepted critical finding passes', async () => {
  const r = await decide({ findings: { [PROXY_DIGEST]: [critical('CVE-2026-0001')] } }, { ...SETTINGS, acceptedFindings: ['CVE-2026-0001'] });
  expect(r.hookStatus).toBe('SUCCEEDED');
});

test('an image never scanned: FAILED', async () => {
  const r = await decide({ override: { DescribeImageScanFindings: { error: 'ScanNotFoundException', message: 'Image scan does not exist' } } });
  expect(r.reason).toMatch(/container proxy image .* has no scan result \(ScanNotFoundException\)/);
});

test('signing and scanning off: only the repository and digest are checked', async () => {
  const r = await decide({ signing: { [APP_DIGEST]: [] } }, { ...SETTINGS, requireSignature: false, blockSeverities: [] });
  expect(r.hookStatus).toBe('SUCCEEDED');
  expect(endpoint!.calls.map((c) => c.operation)).toEqual(['DescribeServiceRevisions', 'DescribeTaskDefinition', 'DescribeImages']);
});

test('ECR answers AccessDenied: FAILED, failing closed with the call and the error', async () => {
  const r = await decide({
    override: { DescribeImageSigningStatus: { error: 'AccessDeniedException', message: 'not authorized to perform: ecr:DescribeImageSigningStatus' } },
  });
  expect(r.hookStatus).toBe('FAILED');
  expect(r.reason).toMatch(/failing closed: ECR DescribeImageSigningStatus failed \(AccessDeniedException: not authorized/);
});

test('ECR answers 500: FAILED after the SDK retried once', async () => {
  const r = await decide({ override: { DescribeImages: { error: 'ServerException', message: 'internal error', status: 500 } } });
  expect(r.reason).toMatch(/failing closed: ECR DescribeImages failed \(ServerException: internal error\)/);
  expect(endpoint!.calls.filter((c) => c.operation === 'DescribeImages')).toHaveLength(2);
});

test('ECR never answers: FAILED within the deadline (the time left less the answer margin)', async () => {
  const started = Date.now();
  const r = await decide({ override: { DescribeImageScanFindings: 'hang' } }, SETTINGS, 7_000);
  const took = Date.now() - started;
  expect(r.hookStatus).toBe('FAILED');
  expect(r.reason).toMatch(/failing closed: ECR DescribeImageScanFindings failed \(.*no answer before the hook deadline\)/);
  expect(took).toBeGreaterThanOrEqual(1_900);
  expect(took).toBeLessThan(4_000);
});

test('ECS has no such revision: FAILED', async () => {
  const r = await decide({ override: { DescribeServiceRevisions: { body: { serviceRevisions: [], failures: [{ arn: GREEN, reason: 'MISSING' }] } } } });
  expect(r.reason).toMatch(/failing closed: ECS has no service revision .*MISSING/);
});

test('a malformed event is refused before any call', async () => {
  endpoint = await startAwsEndpoint(account());
  const r = await admitImages({ serviceArn: 'x' }, hookContext(), SETTINGS, createAdmissionClients({ endpoint: endpoint.url, region: 'eu-west-1' }));
  expect(r).toEqual({ hookStatus: 'FAILED', reason: 'refused: the event has no targetServiceRevisionArn' });
  expect(endpoint.calls).toHaveLength(0);
});

test('a control character in an image name is escaped in the reason', async () => {
  const r = await decide({ images: { app: 'evil\u001b[31m/image:1' } });
  expect(r.reason).not.toContain('\u001b');
});

test('the Lambda entry point reads its settings from the environment the construct writes, and logs its answer', async () => {
  endpoint = await startAwsEndpoint(account({ findings: { [APP_DIGEST]: [critical('CVE-2026-0009')] } }));
  const env = {
    ...admissionEnvironment.write(SETTINGS),
    AWS_REGION: 'eu-west-1',
    AWS_ENDPOINT_URL: endpoint.url,
    AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
    AWS_SECRET_ACCESS_KEY: 'test-secret',
  };
  const saved = { ...process.env };
  Object.assign(process.env, env);
  const log = jest.spyOn(console, 'log').mockImplementation(() => undefined);
  try {
    const r = await handler(preScaleUp, hookContext());
    expect(r.reason).toBe(`image admission refused: container app image ${IMAGES.app} has unaccepted findings: CVE-2026-0009 (CRITICAL)`);
    expect(log).toHaveBeenCalledWith(JSON.stringify(r));
  } finally {
    log.mockRestore();
    for (const key of Object.keys(env)) if (saved[key] === undefined) delete process.env[key];
    Object.assign(process.env, saved);
  }
});

test('an environment without settings admits nothing: every image is from another repository', () => {
  expect(admissionEnvironment.read({})).toEqual({ repositoryUri: '', requireSignature: true, blockSeverities: [], acceptedFindings: [] });
});
