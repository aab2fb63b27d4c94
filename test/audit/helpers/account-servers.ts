/**
 * An account's ECR registry and GuardDuty as the account audit reads them, for the local endpoints
 * of ./ecs-server.ts (JSON 1.1) and ./rest-json-server.ts (REST-JSON): hardened (every account
 * setting on, the hardened bootstrap) or with the defaults (nothing configured).
 */
import type { Handler } from './ecs-server';
import type { RestHandler } from './rest-json-server';

const ACCOUNT = '111122223333';
/** The CDK assets repository's default name in a region. */
const assetsIn = (region: string) => `cdk-hnb659fds-container-assets-${ACCOUNT}-${region}`;
export const ASSETS = assetsIn('eu-west-1');

/** Where the account is: the region the clients are configured with, and the partition its ARNs carry. */
export interface Place {
  readonly region: string;
  readonly partition: string;
}
const EU: Place = { region: 'eu-west-1', partition: 'aws' };
export const ECR_PROTOCOL = { targetPrefix: 'AmazonEC2ContainerRegistry_V20150921.', errorNamespace: 'com.amazonaws.ecr' };

export const notFound = (error: string) => ({ error, message: 'not found' });

export function ecrAccount(hardened: boolean, { region, partition }: Place = EU): Handler {
  const assets = assetsIn(region);
  return (operation, body) => {
    switch (operation) {
      case 'DescribeRegistry':
        return { body: { registryId: ACCOUNT, replicationConfiguration: { rules: [] } } };
      case 'GetSigningConfiguration':
        return hardened
          ? {
              body: {
                registryId: ACCOUNT,
                signingConfiguration: {
                  rules: [
                    {
                      signingProfileArn: `arn:${partition}:signer:${region}:${ACCOUNT}:/signing-profiles/p`,
                      repositoryFilters: [{ filter: 'cdk-*-container-assets-*', filterType: 'WILDCARD_MATCH' }],
                    },
                  ],
                },
              },
            }
          : notFound('SigningConfigurationNotFoundException');
      case 'GetRegistryScanningConfiguration':
        return {
          body: {
            registryId: ACCOUNT,
            scanningConfiguration: hardened
              ? { scanType: 'ENHANCED', rules: [{ scanFrequency: 'CONTINUOUS_SCAN', repositoryFilters: [{ filter: assets, filterType: 'WILDCARD' }] }] }
              : { scanType: 'BASIC', rules: [] },
          },
        };
      case 'DescribeRepositories':
        expect(body.repositoryNames).toEqual([assets]);
        return {
          body: {
            repositories: [
              {
                repositoryArn: `arn:${partition}:ecr:${region}:${ACCOUNT}:repository/${assets}`,
                repositoryName: assets,
                imageTagMutability: hardened ? 'IMMUTABLE' : 'MUTABLE',
                imageScanningConfiguration: { scanOnPush: hardened },
                encryptionConfiguration: { encryptionType: hardened ? 'KMS' : 'AES256' },
              },
            ],
          },
        };
      case 'GetLifecyclePolicy':
        return hardened
          ? { body: { repositoryName: assets, registryId: ACCOUNT, lifecyclePolicyText: '{"rules":[]}' } }
          : notFound('LifecyclePolicyNotFoundException');
      default:
        return { error: 'UnknownOperationException', message: operation };
    }
  };
}

const instance = (id: string, status = 'HEALTHY') => ({
  resourceId: id,
  detectorId: 'd1',
  accountId: ACCOUNT,
  resourceDetails: { resourceType: 'EC2', ec2InstanceDetails: { instanceId: id } },
  coverageStatus: status,
});

export function guardDutyAccount(hardened: boolean): RestHandler {
  return ({ method, path, body }) => {
    if (method === 'GET' && path === '/detector') return { body: { detectorIds: hardened ? ['d1'] : [] } };
    if (method === 'GET' && path === '/detector/d1') {
      return {
        body: {
          serviceRole: 'arn:aws:iam::111122223333:role/aws-service-role/guardduty.amazonaws.com/AWSServiceRoleForAmazonGuardDuty',
          status: 'ENABLED',
          features: [{ name: 'RUNTIME_MONITORING', status: 'ENABLED', additionalConfiguration: [{ name: 'EC2_AGENT_MANAGEMENT', status: 'ENABLED' }] }],
        },
      };
    }
    if (method === 'POST' && path === '/detector/d1/coverage') {
      expect(body.filterCriteria).toEqual({ filterCriterion: [{ criterionKey: 'RESOURCE_TYPE', filterCondition: { equals: ['EC2'] } }] });
      // Two pages: the second instance only on the second.
      return body.nextToken ? { body: { resources: [instance('i-2')] } } : { body: { resources: [instance('i-1')], nextToken: 'page-2' } };
    }
    return { error: 'BadRequestException', message: `${method} ${path}`, status: 400 };
  };
}
