/**
 * Turns at the db between a harvest's page transactions and its background indexer: on
 * PostgreSQL their statements on the same outbox rows would otherwise deadlock (the page upserts
 * rows the indexer is deleting). Only the db work takes turns; Meilisearch requests do not.
 */
export class DbTurns {
  private last: Promise<void> = Promise.resolve();

  async run<T>(work: () => Promise<T>): Promise<T> {
    const previous = this.last;
    let release!: () => void;
    this.last = new Promise<void>((resolve) => (release = resolve));
    await previous;
    try {
      return await work();
    } finally {
      release();
    }
  }
}
