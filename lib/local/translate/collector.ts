/**
 * What every handler of the container translation shares (translate/container.ts,
 * translate/linux-parameters.ts): the report collector, the container being filled in, and the
 * readers of template values.
 */
import { cfnBoolean, cfnNumber } from '../../cfn/values';
import { isObject } from '../../util/is-object';
import type { ContainerSpec, Dependency, FieldReport, HealthSpec, RestartSpec, SecretRef, TaskSettings } from '../spec';

export type Json = unknown;

/** Collects one container's field reports, each under `<container>.<Field>`. */
export class Collector {
  readonly fields: FieldReport[] = [];
  constructor(readonly container: string) {}
  honoured(field: string, detail: string): void {
    this.fields.push({ path: `${this.container}.${field}`, outcome: 'honoured', detail });
  }
  deviation(field: string, detail: string): void {
    this.fields.push({ path: `${this.container}.${field}`, outcome: 'deviation', detail });
  }
  notHonoured(field: string, detail: string): void {
    this.fields.push({ path: `${this.container}.${field}`, outcome: 'not-honoured', detail });
  }
}

export const isObj = isObject;
export const asArray = (v: Json): Json[] => (Array.isArray(v) ? v : []);
export const num = cfnNumber;
export const bool = cfnBoolean;
export const short = (v: Json): string => {
  const s = JSON.stringify(v);
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
};

/** The container under translation: each handler fills in what its field sets. */
export interface Mutable {
  name: string;
  spec: ContainerSpec;
  health?: HealthSpec;
  dependsOn: Dependency[];
  essential: boolean;
  restart?: RestartSpec;
  stopTimeoutS: number;
  startTimeoutS?: number;
  secrets: SecretRef[];
  taskSettings: TaskSettings;
}
