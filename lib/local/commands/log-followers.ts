/** Follow each container's log, prefixed with its name; re-attached after a restart. */
import type { ContainerEngine, Following } from '../engines/container-engine';

export class LogFollowers {
  private readonly followers = new Map<string, Following>();
  constructor(
    private readonly engine: ContainerEngine,
    private readonly write: (text: string) => void,
  ) {}
  /** Follow from `since` (the container's start), so nothing printed since then is missed. */
  follow(c: { name: string; containerName: string }, since: string): void {
    this.followers.get(c.name)?.stop();
    const prefix = `${c.name.padEnd(6)}| `;
    this.followers.set(
      c.name,
      this.engine.logs(c.containerName, { follow: true, since }, (line) => this.write(`${prefix}${line}\n`)),
    );
  }
  stopAll(): void {
    for (const f of this.followers.values()) f.stop();
    this.followers.clear();
  }
}
