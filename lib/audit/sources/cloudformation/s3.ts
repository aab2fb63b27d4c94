/** S3 buckets (rules S3-*), with the bucket policies that name them. */
import { type AuditModel, type Bucket, type List, type Maybe, unknownValue } from '../../model';
import { bool, obj, str } from '../ecs-document';
import { cfnField, isIntrinsic, refTarget, toList } from '../../../cfn/values';
import type { Doc, TemplateContext } from './context';
import { normalizeCfn } from './normalize';

export function s3Resources(ctx: TemplateContext): Partial<AuditModel> {
  const buckets = ctx.ofType('AWS::S3::Bucket');
  const bucketPolicies = ctx.ofType('AWS::S3::BucketPolicy');
  const logTargets = new Set(buckets.flatMap(([, props]) => refTarget(obj(props.LoggingConfiguration)?.DestinationBucketName) ?? []));
  return {
    buckets: buckets.map(([logicalId, props]): Bucket => {
      return {
        id: ctx.id(logicalId),
        origin: ctx.origin(logicalId),
        accessLogging: props.LoggingConfiguration !== undefined,
        isAccessLogTarget: logTargets.has(logicalId),
        publicAccessBlock: publicAccessBlock(props.PublicAccessBlockConfiguration),
        encryption: encryption(props.BucketEncryption),
        versioning: str(normalizeCfn(cfnField(props.VersioningConfiguration, 'Status'))),
        deniesInsecureTransport: bucketPolicies.filter(([, p]) => refTarget(p.Bucket) === logicalId).some(([, p]) => deniesHttp(p)),
      };
    }),
  };
}

/** Each public access block setting; unknown as a whole when the configuration is an intrinsic. */
function publicAccessBlock(value: unknown): Bucket['publicAccessBlock'] {
  if (isIntrinsic(value)) return unknownValue(value);
  const pab = obj(value);
  return pab ? Object.fromEntries(Object.entries(pab).map(([k, v]) => [k, bool(normalizeCfn(v)) ?? false])) : undefined;
}

/** The default encryption algorithms, one per rule; unknown when the configuration is conditional. */
function encryption(value: unknown): List<Maybe<string>> | undefined {
  if (value === undefined) return undefined;
  if (isIntrinsic(value) || isIntrinsic(obj(value)?.ServerSideEncryptionConfiguration)) return unknownValue(value);
  return toList(obj(value)?.ServerSideEncryptionConfiguration).map(
    (r) => str(normalizeCfn(cfnField(cfnField(r, 'ServerSideEncryptionByDefault'), 'SSEAlgorithm'))) ?? '',
  );
}

/** A bucket policy that denies requests whose `aws:SecureTransport` is false. */
function deniesHttp(policy: Doc): boolean {
  return toList(obj(policy.PolicyDocument)?.Statement).some((s) => {
    const st = obj(s);
    const secure = obj(obj(st?.Condition)?.Bool)?.['aws:SecureTransport'];
    return st?.Effect === 'Deny' && String(secure) === 'false';
  });
}
