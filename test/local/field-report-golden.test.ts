/**
 * The field report `up` prints, pinned character for character for the real synthesized task
 * definition on each engine and host kind the runner knows (rootful and rootless Docker; rootful,
 * rootless and remote podman). The fixtures were written by the code before lib/local was
 * restructured; a change to the report's text shows up here as a fixture diff.
 *
 * Regenerate deliberately with UPDATE_FIELD_REPORT=1 npx jest test/local/field-report-golden.test.ts
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import Docker from 'dockerode';
import type { ContainerEngine } from '../../lib/local/engines/container-engine';
import { DockerEngine } from '../../lib/local/engines/docker/engine';
import { Podman } from '../../lib/local/engines/podman/cli';
import { PodmanEngine } from '../../lib/local/engines/podman/engine';
import { TASK_LABEL_KEY } from '../../lib/local/labels';
import { fieldReportLines } from '../../lib/local/translate/field-report';
import { engineInfo as info, fieldsOn, synthesizedTask } from './helpers/field-report';

const FIXTURES = path.join(__dirname, 'fixtures');

const ENGINES: Record<string, { engine: () => ContainerEngine; loadBalancer: string }> = {
  'docker-rootful': { engine: () => new DockerEngine(new Docker(), info('docker', {}), TASK_LABEL_KEY), loadBalancer: '172.17.0.1' },
  'docker-rootless': {
    engine: () => new DockerEngine(new Docker(), info('docker', { rootless: true, cgroupVersion: 2 }), TASK_LABEL_KEY),
    loadBalancer: '172.17.0.1',
  },
  'podman-rootful': { engine: () => new PodmanEngine(new Podman({}), info('podman', {}), TASK_LABEL_KEY), loadBalancer: '10.88.0.1' },
  'podman-rootless-v1': { engine: () => new PodmanEngine(new Podman({}), info('podman', { rootless: true }), TASK_LABEL_KEY), loadBalancer: '10.0.2.100' },
  'podman-rootless-v2': {
    engine: () =>
      new PodmanEngine(
        new Podman({}),
        info('podman', { rootless: true, cgroupVersion: 2, cgroupDriver: 'systemd', cgroupControllers: ['cpu', 'memory', 'pids'] }),
        TASK_LABEL_KEY,
      ),
    loadBalancer: '10.0.2.100',
  },
  'podman-machine': {
    engine: () => new PodmanEngine(new Podman({}), info('podman', { remote: true, cgroupVersion: 2 }), TASK_LABEL_KEY),
    loadBalancer: '10.88.0.1',
  },
};

describe('the field report `up` prints for the synthesized task', () => {
  const task = synthesizedTask();

  // The template has no secret, no Hostname and no health check that needs a shell on podman: a
  // variant adds them, so every sentence an engine can contribute is pinned too.
  const defs = task.properties.ContainerDefinitions as Record<string, unknown>[];
  const enriched = {
    ...task,
    properties: {
      ...task.properties,
      ContainerDefinitions: defs.map((d) =>
        d.Name === 'app'
          ? { ...d, Hostname: 'app', Secrets: [{ Name: 'DB_PASSWORD', ValueFrom: 'arn:aws:secretsmanager:eu-west-1:111111111111:secret:db' }] }
          : { ...d, HealthCheck: { ...(d.HealthCheck as object), Command: ['CMD', 'curl -fsS http://127.0.0.1:8080/'] } },
      ),
    },
  };

  test.each(
    Object.keys(ENGINES).flatMap((k) => [
      [k, 'template'],
      [k, 'enriched'],
    ]),
  )('%s, %s', (kind, variant) => {
    const { engine: make, loadBalancer } = ENGINES[kind];
    const engine = make();
    const fields = fieldsOn(engine, variant === 'template' ? task : enriched, loadBalancer);
    // Asset hashes change with the files under containers/; the report's wording must not.
    const text = `${fieldReportLines(fields, engine.info.kind).join('\n')}\n`.replace(/[a-f0-9]{64}/g, '[ASSET_HASH]');
    const file = path.join(FIXTURES, `field-report.${kind}${variant === 'template' ? '' : `.${variant}`}.txt`);
    if (process.env.UPDATE_FIELD_REPORT || !existsSync(file)) writeFileSync(file, text);
    expect(text).toBe(readFileSync(file, 'utf8'));
  });
});
