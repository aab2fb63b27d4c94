import { containerRule, knownItems } from './_kit';

export default containerRule(
  {
    id: 'TD-DEV-01',
    severity: 'high',
    title: 'Host devices exposed',
    sources: ['CIS Docker 5.18'],
    fix: 'Remove linuxParameters.devices; a web workload does not need host devices.',
    inputs: ['template', 'task-definition', 'live'],
  },
  (c) => {
    const devices = knownItems(c.devices);
    return devices.length ? `linuxParameters.devices exposes ${devices.map((d) => d || '(unnamed)').join(', ')}` : undefined;
  },
);
