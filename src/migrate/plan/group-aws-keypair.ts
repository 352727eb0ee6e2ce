/**
 * Grouping: an AWS access key id and the secret access key next to it (same block, or the only pair in the
 * file) become one secret {aws_access_key_id, aws_secret_access_key}. For rules whose `migrate:` says
 * `grouping: aws-keypair`; their `keypair` (id or secret) says which half they are.
 */
import type { Cand, GroupingContext, Occ } from './occurrences.js';
import { splitKey } from './keys.js';
import { linesOf } from './values.js';

// `secret_key`, `aws_secret_access_key`, Hadoop's `fs.s3a.secret.key`; or a bare `SECRET` / `aws_secret` (an [AWS] section of KEY= and SECRET=).
const AWS_SECRET_KEY_NAME = /(?:^|[_.-])secret(?:[_.-]access)?[_.-]key$|^(?:aws[_.-]?)?secret$/i;
const AWS_SECRET_KEY_SHAPE = /^[A-Za-z0-9/+]{40}$/;

export function awsKeypairGroups(ctx: GroupingContext): Cand[] {
  const { occs, used, sameFile, textOf, secretField, resourceFrom } = ctx;
  const part = (o: Occ) => {
    const m = ctx.migration(o.f.rule);
    if (m?.grouping === 'aws-keypair') return m.keypair;
    // A generic rule's `secret_key = "<40 characters>"` (Terraform's provider "aws", a .tfvars): the
    // secret half when an access key id is next to it, so the pair stays one secret.
    return o.loc.key !== undefined && AWS_SECRET_KEY_NAME.test(o.loc.key) && AWS_SECRET_KEY_SHAPE.test(o.value) ? 'secret' : undefined;
  };
  const out: Cand[] = [];
  for (const o of occs) {
    if (used.has(o) || part(o) !== 'id') continue;
    const file = sameFile(o).filter((x) => !used.has(x));
    const ids = file.filter((x) => part(x) === 'id');
    const keys = file.filter((x) => part(x) === 'secret');
    const text = textOf(o);
    const lines = text !== undefined ? linesOf(text) : undefined;
    const sameBlock = (a: number, b: number) => {
      if (!lines) return Math.abs(a - b) <= 3;
      for (let i = Math.min(a, b); i < Math.max(a, b); i++) if ((lines[i - 1] ?? '').trim() === '') return false;
      return true;
    };
    let best: Occ | undefined;
    for (const k of keys) {
      const near = sameBlock(o.loc.line, k.loc.line) || (ids.length === 1 && keys.length === 1);
      if (near && (!best || Math.abs(k.loc.line - o.loc.line) < Math.abs(best.loc.line - o.loc.line))) best = k;
    }
    const fields = [secretField('aws_access_key_id', o)];
    if (best) fields.push(secretField('aws_secret_access_key', best));
    // Not a "key" that is the access key id itself (`s3://AKIA…:SECRET@bucket`): the name would carry part of it.
    const keyName = [best?.loc.key, o.loc.key].find((k) => k !== undefined && !/(?:AKIA|ASIA)[A-Z2-7]{16}/i.test(k));
    let parts = keyName ? splitKey(keyName).prefix : [];
    if (!parts.includes('aws')) parts = [...parts, 'aws'];
    used.add(o);
    if (best) used.add(best);
    out.push({ kind: 'aws-keypair', resource: resourceFrom(parts) || 'aws', fields, first: o.loc });
  }
  return out;
}
