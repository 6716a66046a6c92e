import type { EventHandler } from '@shop/messaging';
import { Recipient } from '../mail.entity.js';
import { welcome } from '../templates.js';
import { queueMail } from './mail-queue.js';

/**
 * A new account: remember where its mails (and texts) go, and welcome it. The welcome mail is sent whatever the
 * preferences: it confirms the sign-up, before the user could have chosen anything.
 */
export const userRegistered: EventHandler<'user.registered'> = async (event, em) => {
  const { userId, email, name, phone } = event.data;
  await em.upsert(Recipient, { userId, email, name, phone: phone ?? null, updatedAt: new Date() });
  await queueMail(em, event, 'welcome', email, welcome(name));
};
