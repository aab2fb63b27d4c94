/**
 * Compliance profiles (the `compliance` setting).
 *
 * - `default`: the starter's own hardening, cheapest to run.
 * - `control-tower`: additionally passes the AWS Control Tower proactive controls that apply to the
 *   stack's resource types (https://docs.aws.amazon.com/controltower/latest/controlreference/proactive-controls.html),
 *   checked at synth by the cfn-guard rules of @cdklabs/cdk-validator-cfnguard (lib/compliance/).
 */
export const COMPLIANCE_PROFILES = ['default', 'control-tower'] as const;

/** CT.CLOUDWATCH.PR.2: log groups keep their events for at least a year. */
export const CONTROL_TOWER_MIN_LOG_RETENTION_DAYS = 365;

/**
 * The instance types of the `control-tower` profile when hosts.instanceType is unset. CT.AUTOSCALING.PR.6
 * wants two or more types, and CT.AUTOSCALING.PR.11 wants each to be a Nitro type that encrypts
 * traffic between instances (https://docs.aws.amazon.com/ec2/latest/instancetypes/ec2-nitro-instances.html);
 * burstable t3 types are not. These are the cheapest such x86_64 pair with 3 ENIs (2 awsvpc tasks
 * per instance, so the default service sizes still place).
 */
export const CONTROL_TOWER_DEFAULT_INSTANCE_TYPES = { instanceType: 'c6a.large', additionalInstanceTypes: ['c6i.large'] };
