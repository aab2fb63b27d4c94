import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { Construct } from 'constructs';

/** An alarm the dashboard shows, with the title of its graph. */
export interface DashboardAlarm {
  readonly title: string;
  readonly alarm: cloudwatch.IAlarm;
}

/** A failure event the dashboard graphs: its title and the count of matches. */
export interface DashboardEvent {
  readonly title: string;
  readonly matched: cloudwatch.IMetric;
}

export interface OperationsDashboardProps {
  /** The alarms, in the order shown: their state at the top, then each one's metric and threshold. */
  readonly alarms: DashboardAlarm[];
  /** Failures that arrive as events (OOM kills, task stops, host reports), graphed as counts. */
  readonly events: DashboardEvent[];
  /**
   * The dashboard's name (letters, digits, `-` and `_`).
   *
   * @default - a name CloudFormation generates
   */
  readonly dashboardName?: string;
  /**
   * Time range shown when the dashboard opens.
   *
   * @default Duration.hours(3)
   */
  readonly defaultInterval?: Duration;
}

/** Widgets per row: CloudWatch dashboards are 24 units wide. */
const WIDGETS_PER_ROW = 4;
const WIDTH = 24 / WIDGETS_PER_ROW;

/**
 * A CloudWatch dashboard of the same signals the alarms and failure events watch, so the page an
 * operator opens after a notification shows what fired and what led to it: the state of every
 * alarm, each alarm's metric with its threshold, and the failure events over time.
 */
export class OperationsDashboard extends Construct {
  readonly dashboard: cloudwatch.Dashboard;

  constructor(scope: Construct, id: string, props: OperationsDashboardProps) {
    super(scope, id);
    this.dashboard = new cloudwatch.Dashboard(this, 'Resource', {
      dashboardName: props.dashboardName,
      defaultInterval: props.defaultInterval ?? Duration.hours(3),
    });
    this.dashboard.addWidgets(new cloudwatch.AlarmStatusWidget({ title: 'Alarms', alarms: props.alarms.map((a) => a.alarm), width: 24 }));
    const graphs: cloudwatch.IWidget[] = [
      ...props.alarms.map(({ title, alarm }) => new cloudwatch.AlarmWidget({ alarm, title, width: WIDTH })),
      ...props.events.map(
        (e) => new cloudwatch.GraphWidget({ title: e.title, left: [e.matched], width: WIDTH, leftYAxis: { min: 0, label: 'events', showUnits: false } }),
      ),
    ];
    for (let i = 0; i < graphs.length; i += WIDGETS_PER_ROW) this.dashboard.addWidgets(...graphs.slice(i, i + WIDGETS_PER_ROW));
  }
}
