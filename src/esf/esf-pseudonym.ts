import { createHmac } from 'node:crypto';

/**
 * The participant's stable pseudonymous GUID: HMAC-SHA256 under the installation's pseudonym key
 * (the key of every other pseudonym, history-chain/history-sealer.ts pseudonymKey) over
 * "esf-participant:<founder id>", its first 128 bits formatted as a UUID (version 8, RFC 9562
 * variant: custom). One person is one participant id across cases and exports; without the key
 * it cannot be traced back to the founder's id.
 */
export function participantGuid(key: string, founderId: string): string {
  const b = createHmac('sha256', key)
    .update(`esf-participant:${founderId}`)
    .digest()
    .subarray(0, 16);
  b[6] = (b[6] & 0x0f) | 0x80;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
