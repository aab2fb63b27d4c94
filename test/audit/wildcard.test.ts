/** ECR's repository filters (lib/audit/sources/wildcard.ts): `*` is any run of characters, everything else literal, never a regex. */
import { wildcardMatches } from '../../lib/audit/sources/wildcard';

test.each([
  ['cdk-hnb659fds-container-assets-1-eu-west-1', 'cdk-hnb659fds-container-assets-1-eu-west-1', true],
  ['cdk-*-container-assets-*', 'cdk-hnb659fds-container-assets-1-eu-west-1', true],
  ['*', 'anything', true],
  ['*prod*', 'team/prod/images', true],
  ['myapp/*', 'myapp/web', true],
  ['myapp/*', 'other/myapp/web', false],
  ['a*a', 'a', false],
  ['cdk-*-assets', 'cdk-x-assets-y', false],
  // Regex syntax in a filter is text: `.` is a dot, `(` is a bracket.
  ['cdk.assets', 'cdkxassets', false],
  ['(a|b)*', '(a|b)c', true],
  ['(a|b)*', 'ac', false],
])('%s matches %s: %s', (pattern, name, expected) => {
  expect(wildcardMatches(pattern, name)).toBe(expected);
});
