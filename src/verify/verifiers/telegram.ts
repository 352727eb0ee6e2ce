/** Telegram bot tokens: GET https://api.telegram.org/bot<token>/getMe (the Bot API's read-only self-test). */
import { commonAnswer, endpoint, field, hostOf, identity, request } from '../http.js';
import type { Verifier } from '../verifier.js';

const base = () => endpoint('telegram', 'https://api.telegram.org');
const TOKEN = /^\d{5,16}:[A-Za-z0-9_-]{30,50}$/;

export const verifier: Verifier = {
  id: 'telegram',
  hosts: () => [hostOf(base())],
  async verify({ secret }, ctx) {
    // The token goes into the path: anything but a bot token could reshape the URL.
    if (!TOKEN.test(secret)) return { status: 'unknown', reason: 'not a bot token' };
    const a = await request(`${base()}/bot${secret}/getMe`, { headers: {} }, ctx);
    if (a.status === 200 && field(a.json, 'ok') === 'true') return { status: 'live', identity: identity({ bot: field(a.json, 'result', 'username'), id: field(a.json, 'result', 'id') }) };
    if (a.status === 401) return { status: 'invalid', reason: 'HTTP 401 (Unauthorized)' };
    return commonAnswer(a);
  },
};
