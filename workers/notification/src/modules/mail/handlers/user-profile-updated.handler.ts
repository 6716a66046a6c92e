import type { EventHandler } from '@shop/messaging';
import { recipientOf } from './mail-queue.js';

/** New name or phone. Waits (retries) for user.registered; ignores a change older than one already applied. */
export const userProfileUpdated: EventHandler<'user.profile_updated'> = async (event, em) => {
  const { userId, name, phone, revision } = event.data;
  // Locked: two changes handled at once (prefetch) take turns, and the second sees the first's revision.
  const recipient = await recipientOf(em, userId, { forUpdate: true });
  if (revision <= recipient.profileRevision) return;
  Object.assign(recipient, { name, phone, profileRevision: revision, updatedAt: new Date() });
  await em.flush();
};
