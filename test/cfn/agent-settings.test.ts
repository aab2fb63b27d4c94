import { agentSettingsOfTemplate, agentSettingsOfUserData } from '../../lib/cfn/agent-settings';
import { modelFromTemplate } from '../../lib/audit/sources/cloudformation';
import { synth } from '../helpers/synth';

const launchTemplate = (userData: unknown) => ({ Type: 'AWS::EC2::LaunchTemplate', Properties: { LaunchTemplateData: { UserData: userData } } });

describe('ECS agent settings from user data', () => {
  test('exports and plain assignments count, comments do not; the last assignment wins', () => {
    const ud = ['#!/bin/bash', '# ECS_TASK_PIDS_LIMIT=1', "export ECS_TASK_PIDS_LIMIT='256'", 'ECS_CLUSTER=c1', 'ECS_CLUSTER="c2"', 'NOT_ECS=1'].join('\n');
    expect(agentSettingsOfUserData(ud)).toEqual({ ECS_TASK_PIDS_LIMIT: '256', ECS_CLUSTER: 'c2' });
  });

  test("a heredoc line that expands an earlier setting keeps that setting's value", () => {
    expect(agentSettingsOfUserData("export ECS_TASK_PIDS_LIMIT='256'\ncat > /etc/ecs/ecs.config <<C\nECS_TASK_PIDS_LIMIT=${ECS_TASK_PIDS_LIMIT}\nC")).toEqual({
      ECS_TASK_PIDS_LIMIT: '256',
    });
  });

  test('an assignment inside a command counts: echo ... >> /etc/ecs/ecs.config, the ECS developer guide form', () => {
    const ud = [
      'echo ECS_CLUSTER=web >> /etc/ecs/ecs.config',
      `echo "ECS_DISABLE_PRIVILEGED=true">>/etc/ecs/ecs.config`,
      'echo \'ECS_ENGINE_AUTH_DATA={"a":1}\' >> f',
    ].join('\n');
    expect(agentSettingsOfUserData(ud)).toEqual({ ECS_CLUSTER: 'web', ECS_DISABLE_PRIVILEGED: 'true', ECS_ENGINE_AUTH_DATA: '{' });
  });

  test('the synthesized stack gives its hosts ECS_TASK_PIDS_LIMIT from hosts.taskPidsLimit', () => {
    const { settings, conflicting } = agentSettingsOfTemplate(synth().template.toJSON());
    expect(settings.ECS_TASK_PIDS_LIMIT).toBe('256');
    expect(conflicting).toEqual([]);
  });

  test("the audit's hosts carry the settings the runner reads (one reader)", () => {
    const template = synth().template.toJSON();
    const { settings } = agentSettingsOfTemplate(template);
    const hosts = modelFromTemplate({ stack: 'S', file: 't.json', template }).hosts.filter((h) => h.kind === 'LaunchTemplate');
    expect(hosts.length).toBeGreaterThan(0);
    for (const host of hosts) expect(host.agentSettings).toEqual(settings);
  });

  test('launch templates that disagree, or where only some set a value, give no value', () => {
    const b64 = (s: string) => Buffer.from(s).toString('base64');
    const t = {
      Resources: {
        A: launchTemplate({ 'Fn::Base64': "export ECS_TASK_PIDS_LIMIT='256'\nexport ECS_X='1'\n" }),
        B: launchTemplate(b64('ECS_TASK_PIDS_LIMIT=512\nECS_X=1\nECS_ONLY_B=1\n')),
        C: { Type: 'AWS::EC2::LaunchTemplate', Properties: { LaunchTemplateData: {} } },
      },
    };
    expect(agentSettingsOfTemplate(t)).toEqual({ settings: { ECS_X: '1' }, conflicting: ['ECS_ONLY_B', 'ECS_TASK_PIDS_LIMIT'] });
  });
});
