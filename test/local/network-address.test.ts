import { networkAddressOf } from '../../lib/local/engines/container-engine';

test("the namespace owner's first IPv4 address on an engine network (Docker's and podman's inspect shapes)", () => {
  expect(networkAddressOf({ NetworkSettings: { Networks: { bridge: { IPAddress: '172.17.0.2', Gateway: '172.17.0.1' } } } })).toBe('172.17.0.2');
  expect(networkAddressOf({ NetworkSettings: { Networks: { podman: { IPAddress: '10.88.3.171' } } } })).toBe('10.88.3.171');
  expect(networkAddressOf({ NetworkSettings: { IPAddress: '10.88.0.4', Networks: {} } })).toBe('10.88.0.4');
});

test('none without one: rootless slirp4netns, network mode none, a missing container', () => {
  expect(networkAddressOf({ NetworkSettings: { IPAddress: '', Networks: { none: { IPAddress: '' } } } })).toBeUndefined();
  expect(networkAddressOf({ NetworkSettings: {} })).toBeUndefined();
  expect(networkAddressOf(undefined)).toBeUndefined();
  expect(networkAddressOf({ NetworkSettings: { Networks: { x: { IPAddress: 'fe80::1' } } } })).toBeUndefined();
});
