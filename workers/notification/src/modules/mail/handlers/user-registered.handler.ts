import type { EventHandler } from '@shop/messaging';
import { Recipient } from '../mail.entity.js';
import { welcome } from '../templates.js';
import { queueMail } from './mail-queue.js';

/** A new account: remember where its mails go, and welcome it. */
export const userRegistered: EventHandler<'user.registered'> = async (event, em) => {
  await em.upsert(Recipient, { userId: event.data.userId, email: event.data.email, name: event.data.name, updatedAt: new Date() });
  await queueMail(em, event, 'welcome', event.data.email, welcome(event.data.name));
};
