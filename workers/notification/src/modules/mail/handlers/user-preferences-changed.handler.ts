import type { EventHandler } from '@shop/messaging';
import { recipientOf } from './mail-queue.js';

/** Channels turned on or off. Waits (retries) for user.registered; ignores a change older than one already applied. */
export const userPreferencesChanged: EventHandler<'user.preferences_changed'> = async (event, em) => {
  const { userId, email, sms, revision } = event.data;
  // Locked, as in user.profile_updated.
  const recipient = await recipientOf(em, userId, { forUpdate: true });
  if (revision <= recipient.preferencesRevision) return;
  Object.assign(recipient, { emailEnabled: email, smsEnabled: sms, preferencesRevision: revision, updatedAt: new Date() });
  await em.flush();
};
