import type { Construct } from 'constructs';
import { setUpAl2023 } from './al2023';
import { setUpBottlerocket, type BottlerocketOptions } from './bottlerocket';
import type { HostContext, HostSetup } from './host-setup';

/**
 * The operating system of the container instances. An "enum-like class" with static factories (aws-cdk
 * docs/DESIGN_GUIDELINES.md, "Types"): each OS owns its AMI, user data, volumes, role policies and checks, and
 * `Ec2Capacity` composes whichever it is given without knowing which.
 */
export class HostOs {
  /** ECS-optimized Amazon Linux 2023, hardened by lib/host/instance-user-data.sh. */
  static al2023(): HostOs {
    return new HostOs((_scope, context) => setUpAl2023(context));
  }

  /** The Bottlerocket ECS variant, configured by TOML settings (lib/host/bottlerocket-settings.ts). */
  static bottlerocket(options: BottlerocketOptions = {}): HostOs {
    return new HostOs((scope, context) => setUpBottlerocket(scope, context, options));
  }

  private constructor(
    /** Builds this OS's part of the launch template and instance role for the group `scope` defines. */
    readonly setup: (scope: Construct, context: HostContext) => HostSetup,
  ) {}
}
