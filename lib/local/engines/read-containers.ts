/**
 * The never-started containers readImageFiles creates live for one read and are removed in its
 * `finally`. A Ctrl-C ends the process before that `finally` runs, which left one behind; so each
 * read is registered here from the moment its create is sent, and the signal handler that
 * `secure-ecs sbom` installs (removeReadContainersOnSignals) removes what is registered, each once its
 * create has answered (a create still in flight would otherwise make its container after the removal).
 */
import { constants as osConstants } from 'node:os';

const pending = new Set<() => Promise<void>>();

/** A unique name for a read's container: `secure-ecs-files-<pid>-…`, so what a process made can be found. */
export const readContainerName = () => `secure-ecs-files-${process.pid}-${Date.now()}-${Math.floor(Math.random() * 1e6)}`;

/** `read` through the container `create` makes, removed afterwards whatever happens, or on a signal. */
export async function withReadContainer<C, T>(create: Promise<C>, remove: (container: C) => Promise<unknown>, read: (container: C) => Promise<T>): Promise<T> {
  let removal: Promise<void> | undefined;
  const removeOnce = () =>
    (removal ??= create.then(
      (container) =>
        remove(container).then(
          () => undefined,
          () => undefined,
        ),
      () => undefined,
    ));
  pending.add(removeOnce);
  try {
    return await read(await create);
  } finally {
    await removeOnce();
    pending.delete(removeOnce);
  }
}

/**
 * On SIGINT (Ctrl-C) or SIGTERM: `say` which, remove the containers of the reads under way, then exit
 * as the signal would have (128 + its number).
 */
export function removeReadContainersOnSignals(say: (signal: NodeJS.Signals) => void): void {
  const onSignal = (signal: NodeJS.Signals) => {
    say(signal);
    void Promise.all([...pending].map((remove) => remove())).finally(() => process.exit(128 + osConstants.signals[signal]));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
}
