import { Duration, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as ecs from 'aws-cdk-lib/aws-ecs';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';

/**
 * The alarms' thresholds: the configuration schema (lib/config/app-config.ts) reads them from here,
 * and the README's settings table justifies each.
 */
export const SERVICE_ALARMS_DEFAULTS = {
  /** 502/503/504 the ALB itself answers (no healthy target, a target that reset or timed out): zero when healthy. */
  loadBalancer5xxPerMinute: 5,
  /** 5xx the app answered through the proxy. */
  target5xxPerMinute: 5,
  /** Targets failing the ALB health check: one is a task down (the default service runs one). */
  unhealthyTargets: 1,
  /** p99 of TargetResponseTime: ten times the p99 measured at half load (README "CPU cap, health checks and tail latency"). */
  p99ResponseTimeMs: 1000,
  /** Connections the ALB refused at its connection limit: zero unless it is overwhelmed. */
  rejectedConnectionsPerMinute: 1,
  /** Share of the proxy's answers that are 429 (limit_req or limit_conn). */
  rateLimitedPercent: 10,
  /** Average CPU of the tasks as a share of task.cpu, the hard cap (CFS quota) they are throttled at. */
  cpuAtCapPercent: 90,
} as const;

/**
 * Fewest proxy responses in a minute for the 429 share to count: below it one client's burst is
 * the whole share (20 requests at 10 req/s and burst 20 are all served).
 */
export const RATE_LIMITED_MIN_RESPONSES = 20;

/** Every alarm looks at one-minute periods and fires when 3 of the last 5 breach: a blip does not page, an outage pages within 3 minutes. */
const PERIOD = Duration.minutes(1);
const EVALUATION = { evaluationPeriods: 5, datapointsToAlarm: 3 } as const;

export interface ServiceAlarmsProps {
  /** Where every alarm notifies (ALARM and back to OK). */
  readonly topic: sns.ITopic;
  /** The internet-facing ALB: its own 5xx and refused connections. */
  readonly loadBalancer: elbv2.ApplicationLoadBalancer;
  /** The service's target group: the app's 5xx, unhealthy targets, response time. */
  readonly targetGroup: elbv2.ApplicationTargetGroup;
  /**
   * The second target group of a traffic-shifting deployment strategy (lib/constructs/traffic-shift-targets.ts):
   * ECS moves the live revision from one group to the other at each deployment, so the task alarms
   * watch both (5xx and unhealthy targets summed, the higher p99).
   *
   * @default - one target group
   */
  readonly alternateTargetGroup?: elbv2.ApplicationTargetGroup;
  /** The service: its CPU against the task's hard cap. */
  readonly service: ecs.Ec2Service;
  /** The cluster, whose registered container instances Container Insights counts. */
  readonly cluster: ecs.ICluster;
  /** Container instances the Auto Scaling group keeps at least (hosts.minInstances): fewer registered is an alarm. */
  readonly minHosts: number;
  /** The proxy's log group, whose JSON access log (containers/proxy/nginx.conf.template, `access_json`) gives the 429 share. */
  readonly proxyLogGroup: logs.ILogGroup;
  /** @default SERVICE_ALARMS_DEFAULTS.loadBalancer5xxPerMinute */
  readonly loadBalancer5xxPerMinute?: number;
  /** @default SERVICE_ALARMS_DEFAULTS.target5xxPerMinute */
  readonly target5xxPerMinute?: number;
  /** @default SERVICE_ALARMS_DEFAULTS.unhealthyTargets */
  readonly unhealthyTargets?: number;
  /** @default Duration.millis(SERVICE_ALARMS_DEFAULTS.p99ResponseTimeMs) */
  readonly p99ResponseTime?: Duration;
  /** @default SERVICE_ALARMS_DEFAULTS.rejectedConnectionsPerMinute */
  readonly rejectedConnectionsPerMinute?: number;
  /** @default SERVICE_ALARMS_DEFAULTS.rateLimitedPercent */
  readonly rateLimitedPercent?: number;
  /** @default SERVICE_ALARMS_DEFAULTS.cpuAtCapPercent */
  readonly cpuAtCapPercent?: number;
}

/**
 * CloudWatch alarms on what users and operators feel: the ALB's and the app's 5xx, unhealthy
 * targets, p99 response time, refused connections, the share of requests the rate limiter rejects,
 * tasks at their CPU cap and hosts missing from the cluster. Each notifies the topic when it fires
 * and when it recovers.
 *
 * CPU throttling: the cluster has Container Insights' standard set (ContainerInsights.ENABLED), whose
 * ECS metrics are CPU, memory, network and storage used and reserved and task counts (CpuUtilized,
 * CpuReserved, …; https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/Container-Insights-metrics-ECS.html),
 * not the cgroup's throttled periods, so no metric counts throttling itself. The task's CPU is a
 * hard cap (task.cpu, a CFS quota): the service's CPUUtilization, the CPU its tasks use as a share
 * of the CPU their task definition specifies
 * (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service_utilization.html), near
 * 100% is when the quota throttles, and that is what {@link cpuAtCap} watches.
 */
export class ServiceAlarms extends Construct {
  /** Every alarm, in the order the dashboard shows them. */
  readonly alarms: cloudwatch.Alarm[];
  /** Every alarm with a title for its graph, in the same order. */
  readonly titled: { readonly title: string; readonly alarm: cloudwatch.Alarm }[] = [];
  /**
   * The alarms a deployment should roll back on: 5xx from the ALB and the app, unhealthy targets and
   * p99 response time (the signals a bad revision moves within minutes).
   */
  readonly deploymentAlarms: cloudwatch.Alarm[];
  readonly loadBalancer5xx: cloudwatch.Alarm;
  readonly target5xx: cloudwatch.Alarm;
  readonly unhealthyTargets: cloudwatch.Alarm;
  readonly p99ResponseTime: cloudwatch.Alarm;
  readonly rejectedConnections: cloudwatch.Alarm;
  readonly rateLimited: cloudwatch.Alarm;
  readonly cpuAtCap: cloudwatch.Alarm;
  readonly hostsMissing: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: ServiceAlarmsProps) {
    super(scope, id);
    const d = SERVICE_ALARMS_DEFAULTS;
    const lb = props.loadBalancer.metrics;
    const tg = targetGroupsMetrics(props.targetGroup, props.alternateTargetGroup);
    const above = cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD;
    // ALB metrics are published only for minutes with data: no requests is not an outage.
    const quiet = cloudwatch.TreatMissingData.NOT_BREACHING;

    const loadBalancer5xx = props.loadBalancer5xxPerMinute ?? d.loadBalancer5xxPerMinute;
    this.loadBalancer5xx = this.alarm('LoadBalancer5xx', 'Load balancer 5xx per minute', {
      metric: lb.httpCodeElb(elbv2.HttpCodeElb.ELB_5XX_COUNT, { period: PERIOD, statistic: 'Sum' }),
      threshold: loadBalancer5xx,
      comparisonOperator: above,
      treatMissingData: quiet,
      alarmDescription: `The load balancer answered ${loadBalancer5xx} or more 5xx a minute itself (no healthy target, or targets that reset or time out) in 3 of 5 minutes (alarms.loadBalancer5xxPerMinute)`,
    });
    const target5xx = props.target5xxPerMinute ?? d.target5xxPerMinute;
    this.target5xx = this.alarm('Target5xx', 'Task 5xx per minute', {
      metric: tg('SUM', (m) => m.httpCodeTarget(elbv2.HttpCodeTarget.TARGET_5XX_COUNT, { period: PERIOD, statistic: 'Sum' })),
      threshold: target5xx,
      comparisonOperator: above,
      treatMissingData: quiet,
      alarmDescription: `The tasks answered ${target5xx} or more 5xx a minute in 3 of 5 minutes (alarms.target5xxPerMinute)`,
    });
    const unhealthy = props.unhealthyTargets ?? d.unhealthyTargets;
    this.unhealthyTargets = this.alarm('UnhealthyTargets', 'Unhealthy targets', {
      metric: tg('SUM', (m) => m.unhealthyHostCount({ period: PERIOD, statistic: 'Maximum' })),
      threshold: unhealthy,
      comparisonOperator: above,
      treatMissingData: quiet,
      alarmDescription: `${unhealthy} or more tasks failed the load balancer's health check in 3 of 5 minutes (alarms.unhealthyTargets)`,
    });
    const p99 = props.p99ResponseTime ?? Duration.millis(d.p99ResponseTimeMs);
    this.p99ResponseTime = this.alarm('P99ResponseTime', 'p99 response time (s)', {
      // TargetResponseTime is in seconds: from the request leaving the ALB to the response's first byte.
      metric: tg('MAX', (m) => m.targetResponseTime({ period: PERIOD, statistic: 'p99' })),
      threshold: p99.toMilliseconds() / 1000,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      treatMissingData: quiet,
      alarmDescription: `p99 target response time above ${p99.toMilliseconds()} ms in 3 of 5 minutes (alarms.p99ResponseTimeMs)`,
    });
    const rejected = props.rejectedConnectionsPerMinute ?? d.rejectedConnectionsPerMinute;
    this.rejectedConnections = this.alarm('RejectedConnections', 'Rejected connections per minute', {
      metric: lb.rejectedConnectionCount({ period: PERIOD, statistic: 'Sum' }),
      threshold: rejected,
      comparisonOperator: above,
      treatMissingData: quiet,
      alarmDescription: `The load balancer refused ${rejected} or more connections a minute at its connection limit in 3 of 5 minutes (alarms.rejectedConnectionsPerMinute)`,
    });

    const rateLimitedPercent = props.rateLimitedPercent ?? d.rateLimitedPercent;
    this.rateLimited = this.alarm('RateLimited', '429 share of proxy answers (%)', {
      metric: this.rateLimitedShare(props.proxyLogGroup),
      threshold: rateLimitedPercent,
      comparisonOperator: above,
      treatMissingData: quiet,
      alarmDescription:
        `${rateLimitedPercent}% or more of the proxy's answers were 429 (rate or connection limit) in 3 of 5 minutes ` +
        `with at least ${RATE_LIMITED_MIN_RESPONSES} answers a minute (alarms.rateLimitedPercent): a crowd, an attack, or limits too low for the real traffic`,
    });

    const cpuAtCapPercent = props.cpuAtCapPercent ?? d.cpuAtCapPercent;
    this.cpuAtCap = this.alarm('CpuAtCap', 'Task CPU, % of task.cpu', {
      metric: props.service.metricCpuUtilization({ period: PERIOD, statistic: 'Average' }),
      threshold: cpuAtCapPercent,
      comparisonOperator: above,
      treatMissingData: quiet,
      alarmDescription: `The tasks used ${cpuAtCapPercent}% or more of task.cpu, their hard cap, on average in 3 of 5 minutes (alarms.cpuAtCapPercent): the CFS quota throttles them and latency grows`,
    });

    // A host that reports FAILURE masks its ECS agent and never registers (lib/host/instance-user-data.sh,
    // fail_closed), and one that reports Unhealthy is terminated: either way fewer container instances
    // than the group's minimum are registered until a replacement has passed the same checks.
    this.hostsMissing = this.alarm('HostsMissing', 'Registered container instances', {
      metric: new cloudwatch.Metric({
        namespace: 'ECS/ContainerInsights',
        metricName: 'ContainerInstanceCount',
        dimensionsMap: { ClusterName: props.cluster.clusterName },
        period: Duration.minutes(5),
        statistic: 'Minimum',
      }),
      threshold: props.minHosts,
      comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
      // A replacement host needs minutes to boot, harden and register: 3 five-minute periods in a row.
      evaluationPeriods: 3,
      datapointsToAlarm: 3,
      // A cluster without a single registered instance may publish nothing: silence is the worst case.
      treatMissingData: cloudwatch.TreatMissingData.BREACHING,
      alarmDescription: `Fewer than ${props.minHosts} container instances registered for 15 minutes (hosts.minInstances): hosts failed their hardening report or were marked Unhealthy`,
    });

    this.deploymentAlarms = [this.loadBalancer5xx, this.target5xx, this.unhealthyTargets, this.p99ResponseTime];
    this.alarms = this.titled.map((t) => t.alarm);
    const action = new actions.SnsAction(props.topic);
    for (const alarm of this.alarms) {
      alarm.addAlarmAction(action);
      alarm.addOkAction(action);
    }
  }

  private alarm(id: string, title: string, props: Omit<cloudwatch.AlarmProps, 'evaluationPeriods'> & { evaluationPeriods?: number }): cloudwatch.Alarm {
    const alarm = new cloudwatch.Alarm(this, id, { ...EVALUATION, ...props });
    this.titled.push({ title, alarm });
    return alarm;
  }

  /**
   * The percentage of the proxy's responses that are 429, from two metric filters on its JSON access
   * log (`"status":$status`, a number). nginx's error log lines in the same group are not JSON and
   * match neither filter. A minute with fewer than {@link RATE_LIMITED_MIN_RESPONSES} responses counts as 0.
   */
  private rateLimitedShare(proxyLogGroup: logs.ILogGroup): cloudwatch.IMetric {
    const namespace = `SecureEcs/${Stack.of(this).stackName}`;
    const count = (id: string, metricName: string, filterPattern: logs.IFilterPattern) =>
      new logs.MetricFilter(this, id, {
        logGroup: proxyLogGroup,
        metricNamespace: namespace,
        metricName,
        filterPattern,
        metricValue: '1',
        defaultValue: 0,
      }).metric({
        period: PERIOD,
        statistic: 'Sum',
      });
    return new cloudwatch.MathExpression({
      expression: `IF(responses >= ${RATE_LIMITED_MIN_RESPONSES}, 100 * limited / responses, 0)`,
      usingMetrics: {
        // Every access-log line has a numeric status (nginx $status); error-log lines are not JSON.
        responses: count('ProxyResponses', 'ProxyResponses', logs.FilterPattern.numberValue('$.status', '>=', 0)),
        limited: count('ProxyRateLimited', 'ProxyRateLimited', logs.FilterPattern.numberValue('$.status', '=', 429)),
      },
      period: PERIOD,
      label: '429 share of proxy responses (%)',
    });
  }
}

/**
 * A target-group metric of the service: of its one group, or combined over both groups of a
 * traffic-shifting strategy with metric math (an idle group publishes nothing: FILL counts it 0).
 */
function targetGroupsMetrics(
  primary: elbv2.ApplicationTargetGroup,
  alternate: elbv2.ApplicationTargetGroup | undefined,
): (combine: 'SUM' | 'MAX', metric: (m: elbv2.IApplicationTargetGroupMetrics) => cloudwatch.Metric) => cloudwatch.IMetric {
  return (combine, metric) => {
    const first = metric(primary.metrics);
    if (!alternate) return first;
    return new cloudwatch.MathExpression({
      expression: `${combine}([FILL(primary, 0), FILL(alternate, 0)])`,
      usingMetrics: { primary: first, alternate: metric(alternate.metrics) },
      period: PERIOD,
      label: `${first.metricName}, both target groups`,
    });
  };
}
