/**
 * Network interfaces (ENIs) per instance for the instance types this project knows, from the
 * "Network specifications" tables of the Amazon EC2 instance types guide:
 * https://docs.aws.amazon.com/ec2/latest/instancetypes/gp.html (general purpose),
 * https://docs.aws.amazon.com/ec2/latest/instancetypes/co.html (compute optimized),
 * https://docs.aws.amazon.com/ec2/latest/instancetypes/mo.html (memory optimized).
 *
 * Only these are listed; a type not here is accepted with a warning rather than guessed
 * (lib/config/validate-config.ts).
 */
const BURSTABLE = { nano: 2, micro: 2, small: 3, medium: 3, large: 3, xlarge: 4, '2xlarge': 4 };
const NITRO = { large: 3, xlarge: 4, '2xlarge': 4, '4xlarge': 8 };
const GRAVITON = { medium: 2, ...NITRO };

const FAMILIES: Record<string, Record<string, number>> = {
  t3: BURSTABLE,
  t3a: BURSTABLE,
  t4g: BURSTABLE,
  ...Object.fromEntries(['m5', 'm6i', 'm6a', 'm7i', 'm7i-flex', 'c5', 'c6i', 'c6a', 'c7i', 'r5', 'r6i', 'r6a', 'r7i'].map((f) => [f, NITRO])),
  // The 7th-generation AMD families also come in medium (1 vCPU, 2 ENIs).
  ...Object.fromEntries(['m7a', 'c7a', 'r7a'].map((f) => [f, { medium: 2, ...NITRO }])),
  ...Object.fromEntries(['m6g', 'm7g', 'c6g', 'c7g', 'r6g', 'r7g'].map((f) => [f, GRAVITON])),
};

/** Maximum network interfaces of an instance type, or undefined when the project does not know it. */
export function networkInterfacesOf(instanceType: string): number | undefined {
  const [family, size] = instanceType.split('.');
  return FAMILIES[family]?.[size];
}
