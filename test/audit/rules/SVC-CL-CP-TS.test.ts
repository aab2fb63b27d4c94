/** Services (SVC-*), clusters (CL-*), capacity providers (CP-*) and task sets (TS-*): compliant, non-compliant and not applicable, from templates and, where the ECS API shows the setting, from API documents. */
import { apiModel, templateModel } from '../helpers/models';
import { type Cases, ruleSuite } from './harness';
import { awsvpc, capacityProvider, cluster, CLUSTER_ARN, fargateService, onlyTemplate, service } from './platform-models';

const CASES: Record<string, Cases> = {
  'SVC-NET-01': {
    field: /assignPublicIp/,
    compliant: [
      ['template: DISABLED', () => service(awsvpc('DISABLED'))],
      [
        'API: DISABLED',
        () => apiModel({ services: [{ serviceArn: 'arn:svc/a', networkConfiguration: { awsvpcConfiguration: { assignPublicIp: 'DISABLED' } } }] }),
      ],
    ],
    nonCompliant: [
      ['template: ENABLED', () => service(awsvpc('ENABLED'))],
      [
        'API: ENABLED',
        () => apiModel({ services: [{ serviceArn: 'arn:svc/a', networkConfiguration: { awsvpcConfiguration: { assignPublicIp: 'ENABLED' } } }] }),
      ],
    ],
    notApplicable: onlyTemplate,
  },
  'SVC-EXEC-01': {
    field: /enableExecuteCommand/,
    compliant: [
      ['template: off', () => service({ EnableExecuteCommand: false })],
      ['API: off', () => apiModel({ services: [{ serviceArn: 'arn:svc/a', enableExecuteCommand: false }] })],
    ],
    nonCompliant: [
      ['template: on', () => service({ EnableExecuteCommand: true })],
      ['template: "true"', () => service({ EnableExecuteCommand: 'true' })],
      ['API: on', () => apiModel({ services: [{ serviceArn: 'arn:svc/a', enableExecuteCommand: true }] })],
    ],
    notApplicable: onlyTemplate,
  },
  'TS-NET-01': {
    field: /assignPublicIp/,
    compliant: [
      [
        'template: DISABLED',
        () =>
          templateModel({ Ts: { Type: 'AWS::ECS::TaskSet', Properties: { NetworkConfiguration: { AwsVpcConfiguration: { AssignPublicIp: 'DISABLED' } } } } }),
      ],
      [
        'API: DISABLED',
        () => apiModel({ taskSets: [{ taskSetArn: 'arn:ts/1', networkConfiguration: { awsvpcConfiguration: { assignPublicIp: 'DISABLED' } } }] }),
      ],
    ],
    nonCompliant: [
      [
        'template: ENABLED',
        () =>
          templateModel({ Ts: { Type: 'AWS::ECS::TaskSet', Properties: { NetworkConfiguration: { AwsVpcConfiguration: { AssignPublicIp: 'ENABLED' } } } } }),
      ],
      [
        'API: ENABLED',
        () => apiModel({ taskSets: [{ taskSetArn: 'arn:ts/1', networkConfiguration: { awsvpcConfiguration: { assignPublicIp: 'ENABLED' } } }] }),
      ],
    ],
    notApplicable: onlyTemplate,
  },
  'CL-CI-01': {
    field: /containerInsights/,
    compliant: [
      ['template: enabled', () => cluster({ ClusterSettings: [{ Name: 'containerInsights', Value: 'enabled' }] })],
      ['API: enhanced', () => apiModel({ clusters: [{ clusterArn: CLUSTER_ARN, settings: [{ name: 'containerInsights', value: 'enhanced' }] }] })],
    ],
    nonCompliant: [
      ['template: no settings', () => cluster({})],
      ['API: disabled', () => apiModel({ clusters: [{ clusterArn: CLUSTER_ARN, settings: [{ name: 'containerInsights', value: 'disabled' }] }] })],
    ],
    notApplicable: onlyTemplate,
  },
  'CL-EXEC-01': {
    field: /executeCommandConfiguration/,
    compliant: [
      ['template: KMS + logging', () => cluster({ Configuration: { ExecuteCommandConfiguration: { KmsKeyId: { Ref: 'Key' }, Logging: 'DEFAULT' } } })],
      [
        'API: KMS + logging',
        () =>
          apiModel({ clusters: [{ clusterArn: CLUSTER_ARN, configuration: { executeCommandConfiguration: { kmsKeyId: 'arn:key', logging: 'OVERRIDE' } } }] }),
      ],
    ],
    nonCompliant: [
      ['template: logging NONE', () => cluster({ Configuration: { ExecuteCommandConfiguration: { KmsKeyId: 'k', Logging: 'NONE' } } })],
      ['API: no configuration', () => apiModel({ clusters: [{ clusterArn: CLUSTER_ARN }] })],
    ],
    notApplicable: onlyTemplate,
  },
  'CP-TERM-01': {
    field: /managedTerminationProtection/,
    compliant: [
      ['template: ENABLED', () => capacityProvider('ENABLED')],
      [
        'API: ENABLED',
        () => apiModel({ capacityProviders: [{ capacityProviderArn: 'arn:cp', autoScalingGroupProvider: { managedTerminationProtection: 'ENABLED' } }] }),
      ],
    ],
    nonCompliant: [
      ['template: absent', () => capacityProvider()],
      [
        'API: DISABLED',
        () => apiModel({ capacityProviders: [{ capacityProviderArn: 'arn:cp', autoScalingGroupProvider: { managedTerminationProtection: 'DISABLED' } }] }),
      ],
    ],
    notApplicable: [...onlyTemplate, ['API: a Fargate provider', () => apiModel({ capacityProviders: [{ capacityProviderArn: 'arn:cp', name: 'FARGATE' }] })]],
  },
  'SVC-FG-01': {
    field: /platformVersion/,
    compliant: [
      ['template: no platformVersion (LATEST)', () => fargateService({})],
      ['template: LATEST', () => fargateService({ PlatformVersion: 'LATEST' })],
      ['API: 1.4.0', () => apiModel({ services: [{ serviceArn: 'arn:svc/a', launchType: 'FARGATE', platformVersion: '1.4.0' }] })],
    ],
    nonCompliant: [
      ['template: 1.3.0', () => fargateService({ PlatformVersion: '1.3.0' })],
      [
        'template: FARGATE capacity provider on 1.3.0',
        () => service({ CapacityProviderStrategy: [{ CapacityProvider: 'FARGATE_SPOT', Weight: 1 }], PlatformVersion: '1.3.0' }),
      ],
      ['API: 1.3.0', () => apiModel({ services: [{ serviceArn: 'arn:svc/a', launchType: 'FARGATE', platformVersion: '1.3.0' }] })],
    ],
    notApplicable: [['EC2 launch type', () => service({ LaunchType: 'EC2', PlatformVersion: '1.3.0' })], ...onlyTemplate],
  },
};

ruleSuite(['SVC', 'CL', 'CP', 'TS'], CASES);
