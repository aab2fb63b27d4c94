import { Duration, Stack } from 'aws-cdk-lib';
import type * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as ecs from 'aws-cdk-lib/aws-ecs';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';

export interface FailureEventsProps {
  /** Where each matched event is sent, as one line naming what failed and why. */
  readonly topic: sns.ITopic;
  /** The cluster whose tasks are watched. */
  readonly cluster: ecs.ICluster;
  /** The service whose tasks are watched (its task group, `service:<name>`). */
  readonly service: ecs.Ec2Service;
  /** The container instances' group, whose health replacements and deployment signals are watched. */
  readonly autoScalingGroup: autoscaling.AutoScalingGroup;
}

/** One matched event a rule turns into a notification. */
export interface FailureEvent {
  /** What the dashboard calls it. */
  readonly title: string;
  readonly rule: events.Rule;
  /** Events the rule matched (AWS/Events MatchedEvents), for the dashboard. */
  readonly matched: cloudwatch.IMetric;
}

/**
 * EventBridge rules for failures that are events, not metrics, each notifying the topic with the
 * event's own reason:
 *
 * - **Container OOM kills**: an ECS task state change whose container `reason` starts with
 *   `OutOfMemoryError` ("OutOfMemoryError: Container killed due to memory usage",
 *   https://docs.aws.amazon.com/AmazonECS/latest/developerguide/out-of-memory.html). The ECS
 *   metrics of Container Insights' standard set (this cluster's) include no OOM count; the task
 *   event carries it (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs_task_events.html).
 * - **Tasks that stop unasked**: STOPPED with stop code `EssentialContainerExited` or
 *   `TaskFailedToStart` (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_Task.html,
 *   `stopCode`), or stopped by the scheduler because they failed the ELB or container health checks
 *   (`stoppedReason` "Task failed ELB health checks …", "Task failed container health checks").
 *   Deployments and scale-in stop tasks with `ServiceSchedulerInitiated` and another reason, so
 *   they do not match. An OOM kill is also an essential container exiting: it sends both messages.
 * - **Hosts that report Unhealthy**: the group terminates an instance that marked itself Unhealthy
 *   (lib/host/secure-ecs-report.py `unhealthy`, which every FAILURE report on AL2023 is followed by)
 *   with the cause "… taken out of service in response to a user health-check"
 *   (https://docs.aws.amazon.com/autoscaling/ec2/userguide/replace-unhealthy-instance.html). Bottlerocket
 *   hosts never mark themselves Unhealthy (lib/host/bottlerocket.ts: cfsignal only signals), so for
 *   them the next rule and the HostsMissing alarm (lib/constructs/service-alarms.ts) are what page.
 * - **Hosts that report FAILURE during a deployment**: the group's resource in this stack fails
 *   (CloudFormation "Resource Status Change" events,
 *   https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/event-detail-resource-status-change.html):
 *   a FAILURE signal, or no SUCCESS signal in time, from an AL2023 or Bottlerocket host.
 */
export class FailureEvents extends Construct {
  readonly containerOomKills: FailureEvent;
  readonly unexpectedTaskStops: FailureEvent;
  readonly hostsReportedUnhealthy: FailureEvent;
  readonly hostsFailedDeployment: FailureEvent;
  /** Every rule, in the order the dashboard shows them. */
  readonly all: FailureEvent[];

  constructor(scope: Construct, id: string, props: FailureEventsProps) {
    super(scope, id);
    const field = (path: string) => events.EventField.fromPath(path);
    const serviceTasks = {
      clusterArn: [props.cluster.clusterArn],
      group: [`service:${props.service.serviceName}`],
      lastStatus: ['STOPPED'],
    };

    this.containerOomKills = this.rule(
      'ContainerOomKills',
      'Container OOM kills',
      {
        source: ['aws.ecs'],
        detailType: ['ECS Task State Change'],
        detail: { ...serviceTasks, containers: { reason: events.Match.prefix('OutOfMemoryError') } },
      },
      `A container of ECS task ${field('$.detail.taskArn')} was killed at its memory limit (OutOfMemoryError): raise task.appMemoryMiB or task.proxyMemoryMiB, or find the leak`,
      props.topic,
    );
    this.unexpectedTaskStops = this.rule(
      'UnexpectedTaskStops',
      'Tasks stopped unasked',
      {
        source: ['aws.ecs'],
        detailType: ['ECS Task State Change'],
        detail: {
          ...serviceTasks,
          $or: [{ stopCode: ['EssentialContainerExited', 'TaskFailedToStart'] }, { stoppedReason: events.Match.prefix('Task failed') }],
        },
      },
      `ECS task ${field('$.detail.taskArn')} stopped (${field('$.detail.stopCode')}): ${field('$.detail.stoppedReason')}`,
      props.topic,
    );
    this.hostsReportedUnhealthy = this.rule(
      'HostsReportedUnhealthy',
      'Hosts replaced after reporting Unhealthy',
      {
        source: ['aws.autoscaling'],
        detailType: ['EC2 Instance Terminate Successful'],
        detail: {
          AutoScalingGroupName: [props.autoScalingGroup.autoScalingGroupName],
          Cause: events.Match.wildcard('*in response to a user health-check*'),
        },
      },
      `Container instance ${field('$.detail.EC2InstanceId')} reported itself Unhealthy (failed hardening, or lost its ECS agent or IMDS block) and was replaced: ${field('$.detail.Cause')}`,
      props.topic,
    );
    const stack = Stack.of(this);
    const group = props.autoScalingGroup.node.defaultChild as autoscaling.CfnAutoScalingGroup;
    this.hostsFailedDeployment = this.rule(
      'HostsFailedDeployment',
      'Hosts that reported FAILURE in a deployment',
      {
        source: ['aws.cloudformation'],
        detailType: ['CloudFormation Resource Status Change'],
        detail: {
          'stack-id': [stack.stackId],
          'logical-resource-id': [stack.getLogicalId(group)],
          'status-details': { status: ['CREATE_FAILED', 'UPDATE_FAILED'] },
        },
      },
      `The container instances of stack ${stack.stackName} failed in a deployment (a host reported FAILURE or did not register in time): ${field('$.detail.status-details.status-reason')}`,
      props.topic,
    );
    this.all = [this.containerOomKills, this.unexpectedTaskStops, this.hostsReportedUnhealthy, this.hostsFailedDeployment];
  }

  private rule(id: string, title: string, eventPattern: events.EventPattern, message: string, topic: sns.ITopic): FailureEvent {
    const rule = new events.Rule(this, id, { description: title, eventPattern });
    rule.addTarget(new targets.SnsTopic(topic, { message: events.RuleTargetInput.fromText(message) }));
    const matched = new cloudwatch.Metric({
      namespace: 'AWS/Events',
      metricName: 'MatchedEvents',
      dimensionsMap: { RuleName: rule.ruleName },
      period: Duration.minutes(5),
      statistic: 'Sum',
      label: title,
    });
    return { title, rule, matched };
  }
}
