/** Bottlerocket host settings (BR-*): compliant, non-compliant and not applicable, from templates and, where the ECS API shows the setting, from API documents. */
import { type Cases, ruleSuite } from './harness';
import { HARDENED_USER_DATA, hostOnlyNa, launchTemplate } from './platform-models';

const CASES: Record<string, Cases> = {
  'BR-PRIV-01': {
    field: /settings\.ecs\.allow-privileged-containers/,
    compliant: [
      ['template: Bottlerocket, privileged refused', () => launchTemplate('[settings.ecs]\ncluster = "c"\nallow-privileged-containers = false\n')],
      ['template: Bottlerocket, unset (variant default false)', () => launchTemplate('[settings.ecs]\ncluster = "c"\n')],
    ],
    nonCompliant: [['template: Bottlerocket, privileged allowed', () => launchTemplate('[settings.ecs]\ncluster = "c"\nallow-privileged-containers = true\n')]],
    notApplicable: [...hostOnlyNa(), ['template: AL2023 script host', () => launchTemplate(HARDENED_USER_DATA)]],
  },
  'BR-ADMIN-01': {
    field: /settings\.host-containers\.admin\.enabled/,
    compliant: [
      ['template: Bottlerocket, admin off', () => launchTemplate('[settings.ecs]\ncluster = "c"\n[settings.host-containers.admin]\nenabled = false\n')],
    ],
    nonCompliant: [
      ['template: Bottlerocket, admin on', () => launchTemplate('[settings.ecs]\ncluster = "c"\n[settings.host-containers.admin]\nenabled = true\n')],
    ],
    notApplicable: [...hostOnlyNa(), ['template: AL2023 script host', () => launchTemplate(HARDENED_USER_DATA)]],
  },
};

ruleSuite(['BR'], CASES);
