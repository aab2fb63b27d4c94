/**
 * hosts.os: the launch template for each value. The Bottlerocket user data is parsed with a TOML
 * parser (smol-toml) and compared setting by setting; the AL2023 template stays a script.
 */
import { Template } from 'aws-cdk-lib/assertions';
import { parse } from 'smol-toml';
import { modelFromTemplate } from '../lib/audit/sources/cloudformation';
import { RULES } from '../lib/audit/rules';
import { ConfigError, validateConfig } from '../lib/config/validate-config';
import { synth } from './helpers/synth';

function launchTemplateData(template: Template): any {
  const lts = Object.values(template.findResources('AWS::EC2::LaunchTemplate'));
  expect(lts).toHaveLength(1);
  return (lts[0] as any).Properties.LaunchTemplateData;
}

/** The user data with its one intrinsic (the cluster Ref) rendered as a placeholder. */
function userDataText(data: any): string {
  const [, parts] = data.UserData['Fn::Base64']['Fn::Join'];
  return parts.map((p: any) => (typeof p === 'string' ? p : `\${Ref:${p.Ref}}`)).join('');
}

function ssmParameterNames(template: Template): string[] {
  return Object.values(template.toJSON().Parameters as Record<string, any>)
    .filter((p) => String(p.Type).startsWith('AWS::SSM::Parameter::Value'))
    .map((p) => p.Default);
}

const bottlerocket = synth({ hosts: { os: 'bottlerocket' } });
const al2023 = synth({});

describe('hosts.os: "bottlerocket"', () => {
  const data = launchTemplateData(bottlerocket.template);
  const doc = parse(userDataText(data)) as any;

  test("the AMI is the ECS variant's, from its public SSM parameter, for the architecture", () => {
    expect(ssmParameterNames(bottlerocket.template)).toContain('/aws/service/bottlerocket/aws-ecs-2/x86_64/latest/image_id');
    const arm = synth({ hosts: { os: 'bottlerocket', architecture: 'arm64', instanceType: 't4g.small' } });
    expect(ssmParameterNames(arm.template)).toContain('/aws/service/bottlerocket/aws-ecs-2/arm64/latest/image_id');
    expect(ssmParameterNames(bottlerocket.template).some((p) => p.includes('optimized-ami'))).toBe(false);
  });

  test('the user data is TOML (no script) and holds exactly the host policy', () => {
    expect(userDataText(data)).not.toMatch(/^#!/);
    expect(Object.keys(doc)).toEqual(['settings']);
    expect(doc.settings.ecs).toEqual({
      cluster: '${Ref:ClusterEB0386A7}',
      'allow-privileged-containers': false,
      'awsvpc-block-imds': true,
      'container-stop-timeout': '30s',
      loglevel: 'info',
    });
    expect(doc.settings.kernel).toEqual({ lockdown: 'integrity' });
    expect(doc.settings['host-containers']).toEqual({ admin: { enabled: false }, control: { enabled: true } });
    expect(doc.settings['oci-defaults']).toEqual({
      'resource-limits': {
        'max-open-files': { 'soft-limit': 32768, 'hard-limit': 65536 },
        'max-processes': { 'soft-limit': 4096, 'hard-limit': 8192 },
      },
    });
    const asg = Object.keys(bottlerocket.template.findResources('AWS::AutoScaling::AutoScalingGroup'))[0];
    expect(doc.settings.cloudformation).toEqual({ 'should-signal': true, 'stack-name': 'SecureEcsStarter', 'logical-resource-id': asg });
    expect(Object.keys(doc.settings).sort()).toEqual(['cloudformation', 'ecs', 'host-containers', 'kernel', 'oci-defaults']);
  });

  test('the stop timeout and the control container follow the configuration', () => {
    const s = synth({ hosts: { os: 'bottlerocket', containerStopTimeoutSeconds: 90, controlContainer: false } });
    const d = parse(userDataText(launchTemplateData(s.template))) as any;
    expect(d.settings.ecs['container-stop-timeout']).toBe('90s');
    expect(d.settings['host-containers'].control).toEqual({ enabled: false });
    // No control container, no SSM agent: the role keeps no managed policy at all.
    const roles = s.template.findResources('AWS::IAM::Role', {
      Properties: { AssumeRolePolicyDocument: { Statement: [{ Principal: { Service: 'ec2.amazonaws.com' } }] } },
    });
    expect(Object.values(roles).map((r: any) => r.Properties.ManagedPolicyArns)).toEqual([[]]);
  });

  test("two encrypted gp3 volumes: the OS volume at the AMI's size, the data volume at hosts.rootVolumeGiB", () => {
    expect(data.BlockDeviceMappings).toEqual([
      { DeviceName: '/dev/xvda', Ebs: { DeleteOnTermination: true, Encrypted: true, VolumeType: 'gp3' } },
      { DeviceName: '/dev/xvdb', Ebs: { DeleteOnTermination: true, Encrypted: true, VolumeSize: 30, VolumeType: 'gp3' } },
    ]);
  });

  test('IMDSv2 with hop limit 1, no key pair, no public IP, as for AL2023', () => {
    expect(data.MetadataOptions).toEqual({ HttpPutResponseHopLimit: 1, HttpTokens: 'required' });
    expect(data.KeyName).toBeUndefined();
    expect(data.NetworkInterfaces?.[0]?.AssociatePublicIpAddress ?? false).toBe(false);
    expect(data.MetadataOptions).toEqual(launchTemplateData(al2023.template).MetadataOptions);
  });

  test("the instance role has only the SSM policy: CDK's AmazonEC2ContainerServiceforEC2Role is removed", () => {
    const roles = bottlerocket.template.findResources('AWS::IAM::Role', {
      Properties: { AssumeRolePolicyDocument: { Statement: [{ Principal: { Service: 'ec2.amazonaws.com' } }] } },
    });
    expect(JSON.stringify(Object.values(roles).map((r: any) => r.Properties.ManagedPolicyArns))).toBe(
      JSON.stringify([[{ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::aws:policy/AmazonSSMManagedInstanceCore']] }]]),
    );
  });

  test('the group still waits for a signal, which cfsignal sends (settings.cloudformation)', () => {
    const asg = Object.values(bottlerocket.template.findResources('AWS::AutoScaling::AutoScalingGroup'))[0] as any;
    expect(asg.CreationPolicy.ResourceSignal.Count).toBe(1);
    expect(JSON.stringify(bottlerocket.template.toJSON())).toContain('cloudformation:SignalResource');
    expect(JSON.stringify(bottlerocket.template.toJSON())).not.toContain('autoscaling:SetInstanceHealth');
  });

  test('the audit reads it as a Bottlerocket host: script-only rules are not applicable, the TOML rules compliant', () => {
    const model = modelFromTemplate({ stack: 'S', file: 't.json', template: bottlerocket.template.toJSON() });
    expect(model.hosts[0].bottlerocket).toBeDefined();
    const verdict = (id: string) => RULES.find((r) => r.id === id)!.check(model).compliance;
    for (const id of ['HD-AUD-01', 'HD-DMN-01', 'HD-DMN-02', 'AG-PRIV-01', 'AG-ROLE-01', 'AG-INTRO-01'])
      expect([id, verdict(id)]).toEqual([id, 'not-applicable']);
    for (const id of ['BR-PRIV-01', 'BR-ADMIN-01', 'AG-IMDS-01', 'AG-IMDS-02', 'AG-AUTH-01', 'HD-AMI-01', 'HD-PART-01', 'EC2-EBS-01'])
      expect([id, verdict(id)]).toEqual([id, 'compliant']);
    // What the variant cannot do shows as low findings (they do not fail synth).
    expect(verdict('AG-PIDS-01')).toBe('non-compliant');
  });
});

describe('hosts.os: "al2023" (the default)', () => {
  test('ECS-optimized AL2023 AMI, a script with ECS_CLUSTER, one root volume', () => {
    const data = launchTemplateData(al2023.template);
    expect(ssmParameterNames(al2023.template)).toContain('/aws/service/ecs/optimized-ami/amazon-linux-2023/recommended/image_id');
    expect(userDataText(data)).toMatch(/^#!\/bin\/bash\n/);
    expect(userDataText(data)).toContain('ECS_DISABLE_PRIVILEGED=true');
    expect(() => parse(userDataText(data))).toThrow();
    expect(data.BlockDeviceMappings.map((b: any) => b.DeviceName)).toEqual(['/dev/xvda']);
    expect(validateConfig({}).hosts.os).toBe('al2023');
  });
});

describe('configuration', () => {
  test('an unknown hosts.os names the setting, the value and what is allowed', () => {
    expect(() => validateConfig({ hosts: { os: 'ubuntu' } })).toThrow(ConfigError);
    expect(() => validateConfig({ hosts: { os: 'ubuntu' } })).toThrow(/hosts\.os.*ubuntu.*"al2023" or "bottlerocket"/s);
  });
  test('hosts.controlContainer is refused without hosts.os "bottlerocket"', () => {
    expect(() => validateConfig({ hosts: { controlContainer: false } })).toThrow(/hosts\.controlContainer: received false with hosts\.os "al2023"/);
  });
});
