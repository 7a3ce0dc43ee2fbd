/**
 * A job that can never succeed (its input is missing or invalid, the receiver refused it for good):
 * it fails at once, without the retries a transient error gets. Stage handlers throw it; the queue
 * door (door.ts) turns it into the queue library's own "unrecoverable" error.
 */
export class PermanentFailure extends Error {
  override name = 'PermanentFailure';
}
