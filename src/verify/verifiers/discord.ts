/**
 * Discord webhooks: GET https://discord.com/api/webhooks/<id>/<token> ("Get Webhook with Token"; never a
 * POST, which would send a message). The secret is the webhook URL as found (discord.com, discordapp.com,
 * ptb./canary.); only discord.com is called. 401 (Invalid Webhook Token) and 404 with code 10015 (Unknown
 * Webhook: deleted) are dead.
 */
import { commonAnswer, endpoint, field, hostOf, identity, request } from '../http.js';
import type { Verifier } from '../verifier.js';

const base = () => endpoint('discord', 'https://discord.com');
const WEBHOOK = /^https?:\/\/(?:(?:ptb|canary)\.)?discord(?:app)?\.com\/api\/(?:v\d+\/)?webhooks\/(\d{17,20})\/([A-Za-z0-9_-]{60,80})\/?$/;

export const verifier: Verifier = {
  id: 'discord',
  hosts: () => [hostOf(base())],
  async verify({ secret }, ctx) {
    const m = WEBHOOK.exec(secret.trim());
    if (!m) return { status: 'unknown', reason: 'not a Discord webhook URL' };
    const a = await request(`${base()}/api/webhooks/${m[1]}/${m[2]}`, { method: 'GET', headers: { accept: 'application/json' } }, ctx);
    if (a.status === 200) return { status: 'live', identity: identity({ name: field(a.json, 'name'), channel: field(a.json, 'channel_id'), guild: field(a.json, 'guild_id') }) };
    if (a.status === 401) return { status: 'invalid', reason: 'HTTP 401 (Invalid Webhook Token)' };
    if (a.status === 404 && field(a.json, 'code') === '10015') return { status: 'invalid', reason: 'HTTP 404 (Unknown Webhook)' };
    return commonAnswer(a);
  },
};
