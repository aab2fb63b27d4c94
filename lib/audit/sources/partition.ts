/**
 * The ARN partition (aws, aws-cn, aws-us-gov, …) of the account and region the live audit reads, for
 * the ids it builds itself: ECR's registry and GuardDuty's detector have no ARN in their API answers.
 */
import { RegionInfo } from 'aws-cdk-lib/region-info';

/** `arn:PARTITION:service:…`: the partition of an ARN, when it is one. */
const partitionOfArn = (arn: string | undefined) => /^arn:([a-z][a-z0-9-]*):/.exec(arn ?? '')?.[1];

/**
 * An ARN the API returned in this read says it best. Else aws-cdk-lib's region facts name the
 * region's partition (RegionInfo, generated from AWS's region list with each aws-cdk-lib release).
 * A region newer than the pinned aws-cdk-lib, with no ARN to go by, is read as `aws`, as the SDK
 * itself resolves a region name that matches no partition's pattern (its partitions.json default).
 */
export function auditedPartition(region: string, returnedArn?: string): string {
  return partitionOfArn(returnedArn) ?? RegionInfo.get(region).partition ?? 'aws';
}
