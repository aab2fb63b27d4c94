/**
 * HostOs as the construct takes it: each OS's setup composed by Ec2Capacity from typed props alone
 * (no configuration), the way a fork would use the construct in its own stack.
 */
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import { parse } from 'smol-toml';
import { Ec2Capacity } from '../../lib/constructs/ec2-capacity';
import { HostOs } from '../../lib/host/host-os';
import { freshStack } from '../helpers/fresh-stack';

function build(os?: HostOs) {
  const stack = freshStack();
  const vpc = new ec2.Vpc(stack, 'Vpc', { natGateways: 1, restrictDefaultSecurityGroup: false });
  const cluster = new ecs.Cluster(stack, 'Cluster', { vpc });
  new Ec2Capacity(stack, 'Capacity', { vpc, cluster, os });
  return Template.fromStack(stack);
}

function launchTemplateData(template: Template): any {
  const [lt] = Object.values(template.findResources('AWS::EC2::LaunchTemplate'));
  return lt.Properties.LaunchTemplateData;
}

function userDataText(template: Template): string {
  const [, parts] = launchTemplateData(template).UserData['Fn::Base64']['Fn::Join'];
  return parts.map((p: any) => (typeof p === 'string' ? p : 'TOKEN')).join('');
}

function instanceRole(template: Template): any {
  const [role] = Object.values(template.findResources('AWS::IAM::Role', { Properties: { Description: Match.stringLikeRegexp('ECS container instance') } }));
  return role.Properties;
}

describe('HostOs', () => {
  test('unset, the construct builds AL2023: the hardening script, one volume, SSM, and the SetInstanceHealth grant', () => {
    const template = build();
    expect(userDataText(template)).toMatch(/^#!\/bin\/bash/);
    expect(launchTemplateData(template).BlockDeviceMappings.map((m: any) => m.DeviceName)).toEqual(['/dev/xvda']);
    expect(JSON.stringify(instanceRole(template).ManagedPolicyArns)).toContain('AmazonSSMManagedInstanceCore');
    expect(JSON.stringify(template.findResources('AWS::IAM::Policy'))).toContain('autoscaling:SetInstanceHealth');
  });

  test('HostOs.bottlerocket(): TOML with the cluster, two volumes, no SetInstanceHealth, the SSM policy only', () => {
    const template = build(HostOs.bottlerocket());
    const doc = parse(userDataText(template)) as any;
    expect(doc.settings.ecs.cluster).toBe('TOKEN');
    expect(doc.settings['host-containers'].control.enabled).toBe(true);
    expect(launchTemplateData(template).BlockDeviceMappings.map((m: any) => m.DeviceName)).toEqual(['/dev/xvda', '/dev/xvdb']);
    expect(JSON.stringify(template.findResources('AWS::IAM::Policy'))).not.toContain('autoscaling:SetInstanceHealth');
    const policies = JSON.stringify(instanceRole(template).ManagedPolicyArns);
    expect(policies).toContain('AmazonSSMManagedInstanceCore');
    expect(policies).not.toContain('AmazonEC2ContainerServiceforEC2Role');
  });

  test('HostOs.bottlerocket({ controlContainer: false }): no control container and no managed policy at all', () => {
    const template = build(HostOs.bottlerocket({ controlContainer: false }));
    expect((parse(userDataText(template)) as any).settings['host-containers'].control.enabled).toBe(false);
    expect(instanceRole(template).ManagedPolicyArns).toEqual([]);
  });
});
