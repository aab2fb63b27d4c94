import { App, Stack } from 'aws-cdk-lib';
import { cdkJsonContext } from './synth';

/**
 * An empty stack in its own app, with cdk.json's feature flags, for building one construct alone
 * (as aws-cdk-lib's own construct tests do). A concrete region, no account: what the app uses.
 */
export function freshStack(): Stack {
  return new Stack(new App({ context: cdkJsonContext() }), 'Stack', { env: { region: 'eu-west-1' } });
}
