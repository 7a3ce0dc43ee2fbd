import { createHmac, timingSafeEqual } from 'node:crypto';

// One-click unsubscribe links (RFC 8058) carry the subscriber id and an HMAC of it, so that the link
// cannot be forged for another subscriber and nothing needs storing per message.

function mac(key: Buffer, subscriberId: string): Buffer {
  return createHmac('sha256', key).update(`unsubscribe\n${subscriberId}`).digest().subarray(0, 16);
}

export function unsubscribeToken(key: Buffer, subscriberId: string): string {
  return `${Buffer.from(subscriberId).toString('base64url')}.${mac(key, subscriberId).toString('base64url')}`;
}

/** The subscriber a token is for, or null when it was not made with this key. */
export function verifyUnsubscribeToken(key: Buffer, token: string): string | null {
  const [id, sig] = token.split('.');
  if (!id || !sig) return null;
  const subscriberId = Buffer.from(id, 'base64url').toString();
  const given = Buffer.from(sig, 'base64url');
  const expected = mac(key, subscriberId);
  return given.length === expected.length && timingSafeEqual(given, expected) ? subscriberId : null;
}
