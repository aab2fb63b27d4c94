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
import { readAssemblyTask } from '../../lib/local/assembly-task';
import type { ContainerEngine, EngineInfo } from '../../lib/local/engines/container-engine';
import { DockerEngine } from '../../lib/local/engines/docker/engine';
import { Podman } from '../../lib/local/engines/podman/cli';
import { PodmanEngine } from '../../lib/local/engines/podman/engine';
import { fieldReportLines, fieldsOnEngine } from '../../lib/local/translate/field-report';
import type { HostFacts } from '../../lib/local/host/host-facts';
import { assetImageRef } from '../../lib/local/images';
import { translateFor } from '../../lib/local/prepare';
import { TASK_LABEL_KEY } from '../../lib/local/labels';
import { synth } from '../helpers/synth';

const FIXTURES = path.join(__dirname, 'fixtures');
const facts: HostFacts = {
  platform: 'linux',
  distro: ['debian'],
  uid: 0,
  cgroupV2Unified: false,
  systemd: false,
  hasRunc: true,
  hardLimits: { nofile: 20000, nproc: 96365 },
};
const info = (kind: 'docker' | 'podman', extra: Partial<EngineInfo>): EngineInfo => ({
  kind,
  version: '1',
  rootless: false,
  cgroupVersion: 1,
  cgroupDriver: 'cgroupfs',
  remote: false,
  endpoint: 'test',
  ...extra,
});

const ENGINES: Record<string, { engine: () => ContainerEngine; loadBalancer: string }> = {
  'docker-rootful': { engine: () => new DockerEngine(new Docker(), info('docker', {}), TASK_LABEL_KEY), loadBalancer: '172.17.0.1' },
  'docker-rootless': {
    engine: () => new DockerEngine(new Docker(), info('docker', { rootless: true, cgroupVersion: 2 }), TASK_LABEL_KEY),
    loadBalancer: '172.17.0.1',
  },
  'podman-rootful': { engine: () => new PodmanEngine(new Podman({}), info('podman', {}), TASK_LABEL_KEY), loadBalancer: '10.88.0.1' },
  'podman-rootless-v1': { engine: () => new PodmanEngine(new Podman({}), info('podman', { rootless: true }), TASK_LABEL_KEY), loadBalancer: '10.0.2.100' },
  'podman-rootless-v2': {
    engine: () => new PodmanEngine(new Podman({}), info('podman', { rootless: true, cgroupVersion: 2, cgroupDriver: 'systemd' }), TASK_LABEL_KEY),
    loadBalancer: '10.0.2.100',
  },
  'podman-machine': {
    engine: () => new PodmanEngine(new Podman({}), info('podman', { remote: true, cgroupVersion: 2 }), TASK_LABEL_KEY),
    loadBalancer: '10.88.0.1',
  },
};

describe('the field report `up` prints for the synthesized task', () => {
  const { assembly } = synth();
  const task = readAssemblyTask(assembly.directory);
  const images = Object.fromEntries(
    Object.entries(task.images).map(([name, src]) => [name, { ref: assetImageRef(name, src.assetHash!), origin: 'unused by the report' }]),
  );

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
    const assemblyTask = variant === 'template' ? task : enriched;
    const translated = translateFor({
      assembly: assemblyTask,
      images,
      engine,
      facts,
      loadBalancer,
      taskName: 'golden',
      hostPort: 18080,
      labelKey: TASK_LABEL_KEY,
    });
    const fields = fieldsOnEngine(
      translated.fields,
      translated.task,
      translated.containers.map((c) => c.spec),
      engine.capabilities,
    );
    // Asset hashes change with the files under containers/; the report's wording must not.
    const text = `${fieldReportLines(fields, engine.info.kind).join('\n')}\n`.replace(/[a-f0-9]{64}/g, '[ASSET_HASH]');
    const file = path.join(FIXTURES, `field-report.${kind}${variant === 'template' ? '' : `.${variant}`}.txt`);
    if (process.env.UPDATE_FIELD_REPORT || !existsSync(file)) writeFileSync(file, text);
    expect(text).toBe(readFileSync(file, 'utf8'));
  });
});
