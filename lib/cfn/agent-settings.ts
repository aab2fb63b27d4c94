/**
 * The ECS agent settings (ecs.config variables, `ECS_*`) that a template gives its container
 * instances, read from the user data of its launch templates: what the agent on those hosts will be
 * told. The one reader of them: the local runner applies the same host-level limits to the local
 * task, and the audit's AG-* rules judge them (lib/audit/rules).
 *
 * This app's user data exports each setting before writing /etc/ecs/ecs.config
 * (lib/host/al2023-user-data.ts), so a line `export NAME='value'` or `NAME=value` is a setting.
 * Other templates append them one by one (`echo ECS_NAME=value >> /etc/ecs/ecs.config`, the form
 * the ECS developer guide shows), so an assignment inside a line counts too. Shell comments do not.
 */
import { userDataText } from './user-data';

export interface AgentSettings {
  /** Settings every ECS launch template of the template agrees on. */
  readonly settings: Readonly<Record<string, string>>;
  /** Settings the launch templates give different values (or only some set): no single host value to follow. */
  readonly conflicting: readonly string[];
}

/** A whole line that assigns a setting: `export ECS_X='a b'`, `ECS_X=1` (heredoc body, plain assignment). */
const SETTING = /^\s*(?:export\s+)?(ECS_[A-Z0-9_]+)=(?:'([^']*)'|"([^"]*)"|(\S*))\s*$/;
/** An assignment inside a command line (`echo "ECS_X=true" >> /etc/ecs/ecs.config`): the value ends at a quote, space or shell operator. */
const INLINE_SETTING = /\b(ECS_[A-Z0-9_]+)=(?:'([^']*)'|"([^"]*)"|([^\s"'<>;|&]*))/g;

/**
 * `ECS_*` settings of one user data script (the last assignment wins, as in a shell). A value that
 * is a reference to a setting assigned before (`ECS_X=${ECS_X}` in the ecs.config heredoc) keeps
 * that setting's value; any other expansion is left as written.
 */
export function agentSettingsOfUserData(userData: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of userData.split('\n')) {
    if (/^\s*#/.test(line)) continue;
    const whole = SETTING.exec(line);
    for (const m of whole ? [whole] : line.matchAll(INLINE_SETTING)) {
      const value = m[2] ?? m[3] ?? m[4] ?? '';
      const ref = /^\$\{?(ECS_[A-Z0-9_]+)\}?$/.exec(value);
      out[m[1]] = ref && ref[1] in out ? out[ref[1]] : value;
    }
  }
  return out;
}

/** The agent settings of every `AWS::EC2::LaunchTemplate` in a parsed template whose user data sets any. */
export function agentSettingsOfTemplate(template: { Resources?: Record<string, any> }): AgentSettings {
  const perHost = Object.values(template.Resources ?? {})
    .filter((r) => r?.Type === 'AWS::EC2::LaunchTemplate')
    .map((r) => r.Properties?.LaunchTemplateData?.UserData)
    .map(userDataText)
    .filter((text) => typeof text === 'string')
    .map(agentSettingsOfUserData)
    .filter((s) => Object.keys(s).length > 0);
  const settings: Record<string, string> = {};
  const conflicting: string[] = [];
  for (const key of new Set(perHost.flatMap((h) => Object.keys(h)))) {
    // A host without the setting runs its agent's default: that is a different value too.
    const values = new Set(perHost.map((h) => h[key]));
    if (values.size === 1) settings[key] = perHost[0][key];
    else conflicting.push(key);
  }
  return { settings, conflicting: conflicting.sort() };
}
