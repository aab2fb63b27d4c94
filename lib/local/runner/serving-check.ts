/**
 * "Serving": the moment a load balancer could first route to the task. The ALB stand-in's check is a
 * GET of the target group's health check path through the proxy's published port, answered 200; a
 * new ALB target needs one such success
 * (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/load-balancer-healthcheck.html). It
 * is reported apart from HEALTHY (every container's own check passed, as ECS reports task health):
 * with the proxy depending on the app by START, a task serves about one app Interval before it is
 * HEALTHY. The check only observes; it changes nothing of the containers' health probes, which keep
 * ECS's schedule (probe-schedule.ts).
 */
import { httpGet } from '../../fit-check/http-probe';
import { pollUntil } from '../poll';

/** The ALB's default health check path when a target group sets none (HealthCheckPath, "/"). */
const ALB_DEFAULT_PATH = '/';
/** How often the stand-in checks, and how long one check may take. */
const CHECK_EVERY_MS = 250;
const CHECK_DEADLINE_MS = 2000;

type Template = { Resources?: Record<string, { Type?: string; Properties?: { HealthCheckPath?: unknown; TargetType?: unknown } }> };

/**
 * The health check path of the template's target group for the task (`TargetType` ip: awsvpc tasks),
 * or undefined when the template puts the task behind no load balancer. Pure.
 */
export function loadBalancerHealthCheckPath(template: Template): string | undefined {
  const groups = Object.values(template.Resources ?? {}).filter(
    (r) => r.Type === 'AWS::ElasticLoadBalancingV2::TargetGroup' && r.Properties?.TargetType === 'ip',
  );
  if (groups.length === 0) return undefined;
  const path = groups[0].Properties?.HealthCheckPath;
  return typeof path === 'string' && path.startsWith('/') ? path : ALB_DEFAULT_PATH;
}

/**
 * Check `path` on 127.0.0.1:`port` until it answers 200 (resolves with the time, ms since the epoch)
 * or `stop()` says to give up (resolves undefined). Each GET has its own deadline.
 */
async function waitServing(port: number, path: string, stop: () => boolean): Promise<number | undefined> {
  const servedAt = await pollUntil(
    async () => {
      if (stop()) return 0;
      const r = await httpGet(port, path, CHECK_DEADLINE_MS, 'secure-ecs-local-alb-standin');
      return r.status === 200 ? Date.now() : undefined;
    },
    { everyMs: CHECK_EVERY_MS },
  );
  return servedAt || undefined;
}

/** Watches for "serving" in the background from `up`'s start until it is seen or stopped. */
export class ServingWatch {
  /** When the first 200 came (ms since the epoch), once it has. */
  servedAt?: number;
  private stopped = false;
  /** Resolves once serving was seen or the watch stopped. */
  readonly done: Promise<void>;

  /** No watch (done at once) when `path` is undefined: no load balancer in the template. */
  constructor(
    port: number,
    readonly path: string | undefined,
    onServed: (at: number) => void,
  ) {
    this.done =
      path === undefined
        ? Promise.resolve()
        : waitServing(port, path, () => this.stopped).then((at) => {
            if (at === undefined) return;
            this.servedAt = at;
            onServed(at);
          });
  }

  stop(): void {
    this.stopped = true;
  }
}
