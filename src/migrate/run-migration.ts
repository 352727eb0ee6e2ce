/**
 * One `migrate` run from a request: plan (or load a saved plan), dry run or apply with a journal, resume,
 * report. The command line (src/cli/commands/migrate.ts) turns flags into the request and returns the
 * exit code this gives back.
 */
import { backendFor } from './backend/backends.js';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { SweepError } from '../errors.js';
import { buildPlan, type Action, type Plan, type PlanValues } from './plan.js';
import { withActions, withEdits } from './plan/derive.js';
import { loadPlan, savePlan } from './plan-file.js';
import { adoptPriorNames, applyPlan, checkCleanTree, resolveActions, valueDigest, type Problem, type Resolution } from './apply.js';
import { Journal, journalSince, Lock, STATE_DIR, tokenKey, type PriorState } from './journal.js';
import { REPORT_JSON, REPORT_MD, writeReports } from './report.js';
import { collectReferences, type SecretRef } from './references.js';
import { notMigratedLines, renderPlanTable } from './plan-table.js';
import { lockStepLine } from './lockfiles/lock-step.js';
import { REFS_FILE } from './run-env.js';
import { recordedNames, reportedStoredFingerprints, storedDigests } from './recorded-names.js';
import type { RewriteRunResult } from './rewrite/run-rewriters.js';
import { emptyRewriteResult } from './rewrite/empty-result.js';
import { protectValueFiles } from './value-files.js';
import { isVaultError, type Vault } from './vault/vault.js';
import { configparserFilesOf } from './rewrite/config-file-readers.js';
import { findingsOf, historyFindingsOf, notStoredIn, openSession, textsOf, type MigrateRequest, type MigrateSession } from './session.js';
import { historyOnly, secretOf, type Finding } from '../findings/finding.js';
import { stageIgnoredGenerated } from './ignored-generated.js';

/** The terminal: progress and messages on stderr, the plan on stdout, a yes/no question. */
export interface MigrateIO {
  out: (s: string) => void;
  err: (line: string) => void;
  /** Ask on the terminal; undefined when there is none to ask on. */
  confirm?: (question: string) => Promise<boolean>;
}

async function makeVault(req: MigrateRequest): Promise<Vault & { close?: () => void }> {
  return backendFor(req.backend).openVault({ root: req.root, region: req.region, profile: req.profile, endpoint: req.endpointUrl });
}

/** The action the vault check decided for each secret (a problem: what the apply would stop on). */
function vaultActions(resolutions: Resolution[], problems: Problem[]): Map<string, { action: Action; note?: string }> {
  const out = new Map<string, { action: Action; note?: string }>();
  for (const r of resolutions) out.set(r.secret.name, { action: r.action, note: r.note });
  for (const p of problems) {
    const deleted = /scheduled for deletion/.test(p.message);
    out.set(p.name, deleted
      ? { action: 'skip', note: 'scheduled for deletion: restore it first' }
      : { action: 'update', note: `different value: needs --update-existing ${p.name}` });
  }
  return out;
}

/** `file:line` of each reference to a secret in the repository (read once, when first asked). */
function readersIn(root: string): (name: string) => string[] {
  let refs: SecretRef[] | undefined;
  return (name) => {
    refs ??= collectReferences(root).refs;
    return refs.filter((r) => r.secretName === name).map((r) => `${r.file}:${r.line}`);
  };
}

/** What the dry run and an empty plan say about committed values the plan does not store. */
function historyOnlyNote(notStored: readonly Finding[], movedBefore: ReadonlySet<string>): string | undefined {
  const past = notStored.filter((f) => historyOnly(f));
  const moved = past.filter((f) => movedBefore.has(f.fingerprint)).length;
  const n = past.length - moved;
  const parts: string[] = [];
  if (moved) parts.push(`${moved} value(s) found only in git history were moved to the vault by an earlier run (the committed ${REPORT_JSON} names their secrets): rotate them if that is not done yet`);
  if (n) parts.push(`${n} value(s) found only in git history are not stored (--include-history stores them)`);
  if (!parts.length) return undefined;
  return `${parts.join('; ')}; the report lists each with a rotate line and the replacements file scrubs them from history`;
}

/** This run's rewrites with those of the interrupted runs it finishes (their files no longer need any). */
function withEarlierRewrites(r: RewriteRunResult, prior: PriorState): RewriteRunResult {
  const earlier = prior.rewritten.filter((e) => !r.edits.some((x) => x.file === e.file));
  const add = (list: string[], more: string[]) => [...list, ...more.filter((f) => !list.includes(f))];
  return {
    ...r,
    edits: [...r.edits, ...earlier.map((e) => ({ file: e.file, rewriter: e.rewriter, summary: e.summary ?? `${e.file} (${e.rewriter})`, sites: [] }))],
    generated: add(r.generated, prior.generated),
    runFiles: add(r.runFiles, earlier.filter((e) => e.runFile).map((e) => e.file)),
    // Sorted as one run lists them (the loaders named in each start command).
    envResolvedBy: earlier.some((e) => e.resolvesEnv) ? add(r.envResolvedBy, earlier.filter((e) => e.resolvesEnv).map((e) => e.file)).sort() : r.envResolvedBy,
  };
}

/**
 * The secrets an interrupted run stored, for the resumed run's report; with the committed values its
 * rewrites took out of the code (`gone`), matched to their keys by the journal's digests, so each keeps
 * its locations and rotate line.
 */
function earlierOf(prior: PriorState, gone: readonly Finding[] = [], key?: Buffer) {
  const byDigest = new Map<string, Finding[]>();
  if (key) for (const f of gone) byDigest.set(valueDigest(key, secretOf(f)), [...(byDigest.get(valueDigest(key, secretOf(f))) ?? []), f]);
  return [...prior.verified].map(([name, v]) => ({
    name, ...v,
    values: Object.entries(prior.stored.get(name) ?? {}).flatMap(([k, d]) => (byDigest.get(d) ?? []).map((finding) => ({ key: k, finding }))),
  }));
}

export async function runMigration(request: MigrateRequest, io: MigrateIO): Promise<number> {
  const { root } = request;
  const err = io.err;
  const session = openSession(request);
  const region = request.region ?? process.env.AWS_REGION;
  if (request.apply) await removeTempsOfKilledRuns(root, session.journal.prior, err);

  let plan: Plan;
  let values: PlanValues;
  // Values the plan does not store that were committed all the same (history-only without
  // --include-history; too large): reported to rotate, and written to the replacements file to scrub.
  let notStored: Finding[];
  let goneFromTree: Finding[] = [];
  if (request.planIn) {
    // The files earlier runs of it wrote: where a value is gone from one, that run stored it (see loadPlan).
    const { prior } = session.journal;
    const resumedFiles = new Set([...prior.touched, ...prior.everRewritten]);
    ({ plan, values } = await loadPlan(resolve(request.planIn), { root, rules: session.rules, detector: session.detector, resumedFiles }));
    for (const [flag, v, p] of [['--app', request.app, plan.app], ['--env', request.env, plan.env]] as const) {
      if (v !== undefined && v !== p) throw new SweepError(`${flag} ${v} differs from the plan's ${p}: make a new plan, or drop ${flag}`);
    }
    if (resumedFiles.size) {
      // Resuming this plan: the values the interrupted run took out of the code, for the report and the scrub.
      const found = await findingsOf(session);
      goneFromTree = found.goneFromTree;
      notStored = notStoredIn(plan, [...found.historyOnly, ...goneFromTree]);
    } else notStored = notStoredIn(plan, ((await historyFindingsOf(session)) ?? []).filter((f) => historyOnly(f)));
  } else {
    if (!request.app || !request.env) throw new SweepError('--app and --env are required (they name the secrets: {env}/{app}/{resource})');
    const found = await findingsOf(session);
    const { findings, historyOnly, inFileNames } = found;
    goneFromTree = found.goneFromTree;
    ({ plan, values } = buildPlan({
      findings, files: textsOf(root, findings), app: request.app, env: request.env,
      nameTemplate: request.nameTemplate, salt: session.config.fingerprintSalt, rules: session.rules,
      configparserFiles: configparserFilesOf(root, findings.map((f) => f.file)),
    }));
    // Skipped credentials are still burned (rotate, scrub); what is not a credential at all is neither.
    const skipped = new Set(plan.skipped.filter((k) => !k.notSecret).map((k) => k.location.fingerprint));
    notStored = [...historyOnly, ...goneFromTree, ...inFileNames, ...findings.filter((f) => skipped.has(f.fingerprint))];
    // A key in a file's name: no rewriter renames files, and the scrub would rename this one in the current commit too.
    for (const f of inFileNames) {
      plan.warnings.push(`${f.file}: the file's name holds a ${f.rule} value (${f.redacted}): rotate it, rename the file and commit before the scrub (which renames it to REMOVED in every commit, the current one too)`);
    }
  }
  const verification = request.verify ? await verifiedForReport(session, notStored) : undefined;
  if (verification) {
    const live = [...verification.values()].filter((v) => v.status === 'live').length;
    err(`secret-sweep: --verify: ${live} of ${verification.size} committed value(s) verified live by their issuer; the report lists them first`);
  }

  // After earlier runs (finished or not): the names and keys they stored these values under (dry run and
  // apply alike), so a name never moves to another value because other values were migrated since.
  // From a fresh clone there is no journal: the names the committed report and references give, with
  // what the vault holds under them, say the same (the journal wins where both know a name).
  const earlier = session.journal.prior;
  const recorded = plan.secrets.length ? recordedNames(root, plan).filter((n) => !earlier.known.has(n)) : [];
  let known = earlier.known;
  if (recorded.length) {
    const vault = await makeVault(request);
    try {
      const unread: string[] = [];
      const stored = await storedDigests(vault, recorded, tokenKey(root), (_name, why) => unread.push(why));
      if (unread.length) err(`secret-sweep: could not read ${unread.length} secret(s) the committed report or code names, to keep their names: ${unread[0]}`);
      known = new Map([...stored, ...earlier.known]);
    } finally {
      vault.close?.();
    }
  }
  // A value an earlier run stored whose place it rewrote is not "found only in history, not stored".
  // (The token key exists once anything is known: reading it writes nothing then.)
  const storedBefore = new Set([...known.values()].flatMap((fields) => Object.values(fields)));
  const key = storedBefore.size && goneFromTree.length ? tokenKey(root) : undefined;
  const historyNote = historyOnlyNote(notStored.filter((f) => !key || !goneFromTree.includes(f) || !storedBefore.has(valueDigest(key, secretOf(f)))), reportedStoredFingerprints(root));
  if (known.size) {
    const adopted = adoptPriorNames(plan, values, known, tokenKey(root));
    ({ plan, values } = adopted);
    for (const r of adopted.renamed) {
      err(`secret-sweep: ${r.to}: an earlier run stored ${r.from === r.to ? 'these values under other keys' : `the values this run alone would call ${r.from}`} there; the code keeps referring to it`);
    }
  }

  if (plan.secrets.length === 0) {
    err(`secret-sweep: nothing to migrate in ${root}${plan.skipped.length ? ` (${plan.skipped.length} value(s) skipped)` : ''}`);
    for (const l of notMigratedLines(plan)) err(l);
    const unresolved = await (await import('./rewrite/unresolved-loaders.js')).unresolvedLoaderLines(root);
    if (unresolved.length && request.apply) await repairLoaders(root, plan, request, region, err);
    else for (const l of unresolved) err(l);
    if (unresolved.length && !request.apply) err('secret-sweep: a run with --apply adds the resolution to them');
    if (historyNote) err(`secret-sweep: ${historyNote}`);
    if (request.planOut) savePlan(request.planOut, plan);
    if (request.apply) finishInterrupted(session, plan, err, notStored, goneFromTree);
    if (request.apply && notStored.length && !existsSync(join(root, REPORT_JSON))) {
      // Values only in history (removed from the code, still in every clone): nothing to store, but they
      // must be rotated and scrubbed, which the report and the replacements file are for. An earlier run's
      // report is kept: it records the names its secrets went to.
      const files = writeReports({
        root, plan, values: new Map(), outcomes: [], backend: request.backend, region,
        runId: `history-${Date.now()}`, earlier: [], rules: session.rules, notStored, verification,
      });
      err(`secret-sweep: report: ${relative(process.cwd(), files.markdown) || files.markdown}`);
      err(`secret-sweep: ${files.replacements} holds the values in PLAINTEXT for \`git filter-repo --replace-text\`; delete it when done. Rotate every value (see the report).`);
    }
    return 0;
  }

  const { runRewriters, checkWrites } = await import('./rewrite/run-rewriters.js');
  const rewriteOpts = { root, plan, backend: request.backend, region, values };
  const vault = await makeVault(request);
  try {
    // The code edits this plan makes, computed in memory (nothing written): shown by a dry run, and
    // checked by an apply before its first vault write.
    const preview: RewriteRunResult = await runRewriters({ ...rewriteOpts, write: false });
    if (!request.apply || request.planOut) plan = withEdits(plan, preview.edits);
    if (!request.apply) {
      // Dry run: read-only checks against the vault (Describe/Get), nothing written anywhere.
      let vaultNote: string | undefined;
      try {
        const { resolutions, problems } = await resolveActions(plan, values, vault, {
          updateExisting: request.updateExisting, readersOf: readersIn(root), concurrency: request.concurrency, tokenKey: randomBytes(32),
        });
        plan = withActions(plan, vaultActions(resolutions, problems));
      } catch (e) {
        if (!isVaultError(e)) throw e;
        vaultNote = `could not check the vault, so every action says create: ${e.oneLine()}`;
      }
      io.out(`Plan for app ${plan.app}, env ${plan.env}: ${plan.secrets.length} secret(s), backend ${request.backend}\n\n`);
      io.out(renderPlanTable(plan, { backend: request.backend, vaultNote, rewrites: preview }));
      if (historyNote) io.out(`\n${historyNote}\n`);
      if (request.planOut) {
        savePlan(request.planOut, plan);
        err(`secret-sweep: plan saved to ${request.planOut} (no secret values)`);
      }
      err('secret-sweep: dry run, nothing was written. Apply with --apply.');
      return 0;
    }

    if (request.planOut) savePlan(request.planOut, plan);
    if (!request.yes) {
      if (!io.confirm) {
        throw new SweepError('--apply without --yes needs a terminal to confirm: add --yes (nothing was written)');
      }
      const ok = await io.confirm(`Store ${plan.secrets.length} secret(s) for ${plan.env}/${plan.app} in ${request.backend}? [y/N] `);
      if (!ok) {
        err('secret-sweep: nothing was written.');
        return 0;
      }
    }

    // Preconditions before any write. The clean tree is what lets `git diff`/`git checkout` show and undo this
    // run's file changes apart from the user's: a run that changes no file (a re-run of a finished migration
    // whose only places left are manual ones) needs none.
    const changesFiles = preview.edits.length > 0 || preview.generated.length > 0 || preview.wholeFiles.length > 0;
    if (!request.allowDirty && changesFiles) {
      const ours = [REPORT_MD, REPORT_JSON];
      for (const p of [request.planIn, request.planOut]) {
        if (!p) continue;
        const rel = relative(root, resolve(p));
        if (!rel.startsWith('..') && !isAbsolute(rel)) ours.push(rel.split('\\').join('/'));
      }
      ours.push(...backendFor(request.backend).repoFiles);
      // Files an interrupted run already rewrote are its changes: the resumed run finishes them.
      ours.push(...session.journal.prior.touched);
      await checkCleanTree(root, ours);
    }
    const lock = Lock.acquire(root);
    let journal: Journal | undefined;
    try {
      // Under the lock: the journal as read at the start, unless a run that held the lock wrote to it since.
      const prior = journalSince(root, session.journal).prior;
      // Every check a file write could fail (links, paths, encodings, parses, writability), before the
      // first vault write; then the files that will hold values are ignored (and untracked).
      const backend = backendFor(request.backend);
      checkWrites(root, preview, backend.valueFiles ?? []);
      const valueFileNotes = protectValueFiles(root, backend.valueFiles ?? []);
      journal = Journal.open(root);
      if (prior.interrupted) err(`secret-sweep: resuming after an interrupted run (${prior.interrupted.run}, stopped after ${prior.interrupted.lastStep})`);
      const { outcomes } = await applyPlan({
        plan, values, vault, journal, tokenKey: tokenKey(root), prior,
        updateExisting: request.updateExisting, readersOf: readersIn(root), kmsKeyId: request.kmsKeyId, tags: request.tags,
        rotation: request.rotation,
        concurrency: request.concurrency,
        log: (l) => err(`secret-sweep: ${l}`),
      });
      // Every secret is written and read back: now the code. Each file write is journaled; a killed run
      // resumes with the files whose values are still there (the rewritten ones have none left).
      const j = journal;
      let filesWritten = 0;
      const editFacts = (file: string) => {
        const e = preview.edits.find((x) => x.file === file);
        return e ? {
          rewriter: e.rewriter, summary: e.summary,
          runFile: preview.runFiles.includes(file) || undefined, resolvesEnv: preview.envResolvedBy.includes(file) || undefined,
        } : {};
      };
      const rewrites = await runRewriters({
        ...rewriteOpts, write: true,
        onGenerated: (file) => (filesWritten++, j.append({ step: 'file-generated', file })),
        // What the report says of the edit goes with file-begin: a run killed between the rename and the
        // file-rewritten record has still changed the file.
        onBeforeWrite: (file) => j.append({ step: 'file-begin', file, ...editFacts(file) }),
        onFileWritten: (file, rewriter) => (filesWritten++, j.append({ step: 'file-rewritten', file, rewriter, ...editFacts(file) })),
      });
      if (filesWritten === 0 && !prior.interrupted && outcomes.every((o) => o.action === 'reused' && !o.resumed && !o.rotated)) {
        // A re-run that found every value already stored under its name and no code to change: it writes
        // nothing, not even a new report (the earlier run's report still describes the repository).
        journal.append({ step: 'run-done', detail: `nothing changed: ${outcomes.length} secret(s) already stored` });
        err(`secret-sweep: nothing changed: ${outcomes.length} secret(s) already stored under their names, no file to rewrite${rewrites.manual.length ? `; ${rewrites.manual.length} place(s) still left for you (see the report)` : ''}`);
        return 0;
      }
      const ignoredNotes = stageIgnoredGenerated(root, rewrites.generated);
      const files = writeReports({
        root, plan: withEdits(plan, rewrites.edits), values, outcomes, backend: request.backend, region, runId: journal.run,
        rewrites: withEarlierRewrites({ ...rewrites, notes: [...valueFileNotes, ...ignoredNotes, ...rewrites.notes] }, prior),
        earlier: earlierOf(prior, goneFromTree, tokenKey(root)), gone: goneFromTree, rules: session.rules, notStored, verification,
      });
      journal.append({ step: 'report-written' });
      journal.append({ step: 'run-done', detail: `${outcomes.length} secret(s)` });
      const n = (a: string) => outcomes.filter((o) => o.action === a).length;
      err(`secret-sweep: ${n('created')} created, ${n('updated')} updated, ${n('reused')} already there; report: ${relative(process.cwd(), files.markdown) || files.markdown}`);
      for (const n of valueFileNotes) err(`secret-sweep: ${n}`);
      err(`secret-sweep: ${rewrites.edits.length} file(s) rewritten${rewrites.generated.length ? `, ${rewrites.generated.length} generated (${rewrites.generated.join(', ')})` : ''}`
        + `${rewrites.manual.length ? `; ${rewrites.manual.length} place(s) left for you, listed in the report` : ''}`);
      for (const n of ignoredNotes) err(`secret-sweep: ${n}`);
      for (const l of rewrites.lockfiles) err(`secret-sweep: ${l.status === 'manual' ? 'left for you: ' : ''}${lockStepLine(l)}`);
      err(`secret-sweep: ${files.replacements} holds the values in PLAINTEXT for \`git filter-repo --replace-text\`; delete it when done. Rotate every value (see the report).`);
      return 0;
    } finally {
      journal?.close();
      lock.release();
    }
  } finally {
    vault.close?.();
  }
}

/**
 * A re-run with nothing to migrate, in a repository an earlier version migrated: the code loading a .env
 * that holds references gets the resolution this version adds after the load (and the helper it calls).
 * Nothing is stored; the edits are small and a killed run is finished by the next one, so no journal.
 */
async function repairLoaders(root: string, plan: Plan, request: MigrateRequest, region: string | undefined, err: (s: string) => void): Promise<void> {
  const { runRewriters, checkWrites } = await import('./rewrite/run-rewriters.js');
  const opts = { root, plan, backend: request.backend, region, values: new Map() as PlanValues, repairLoaders: true };
  const preview = await runRewriters({ ...opts, write: false });
  if (!preview.envResolvedBy.length && !preview.envQuoted.length) return;
  if (!request.allowDirty) await checkCleanTree(root, [...backendFor(request.backend).repoFiles]);
  const lock = Lock.acquire(root);
  try {
    checkWrites(root, preview);
    const written: string[] = [];
    const r = await runRewriters({ ...opts, write: true, onGenerated: (f) => written.push(f) });
    if (r.envQuoted.length) err(`secret-sweep: ${r.envQuoted.join(', ')}: the sm://…#KEY references an earlier run left unquoted are quoted (Node's .env readers end an unquoted value at #)`);
    if (r.envResolvedBy.length || written.length) {
      err(`secret-sweep: ${r.envResolvedBy.length} file(s) loading a .env an earlier run turned into sm:// references now resolve them: ${r.envResolvedBy.join(', ')}`
        + `${written.length ? `; written: ${written.join(', ')}` : ''}`);
    }
    for (const l of r.lockfiles) err(`secret-sweep: ${l.status === 'manual' ? 'left for you: ' : ''}${lockStepLine(l)}`);
  } finally {
    lock.release();
  }
}

/**
 * Before an apply reads the work tree: a run killed in the middle of a write leaves its temp file next to
 * the file (an untracked file that would fail the clean-tree check; for `.env`, one holding values).
 * Remove those of the files unfinished runs began to write, and of the files every run writes.
 */
async function removeTempsOfKilledRuns(root: string, prior: PriorState, err: (s: string) => void): Promise<void> {
  if (!existsSync(join(root, STATE_DIR))) return;
  const { removeStaleTemps } = await import('./rewrite/fixer.js');
  const files = new Set([...prior.touched, '.env', '.env.example', '.gitignore', REFS_FILE, REPORT_MD, REPORT_JSON]);
  const removed = await removeStaleTemps(root, files);
  if (removed.length) err(`secret-sweep: removed ${removed.length} temp file(s) a killed run left: ${removed.join(', ')}`);
}

/**
 * `migrate --apply` found nothing left to migrate. When an earlier run was killed after its last
 * secret (its rewrites are what removed the values), close it in the journal so it is not resumed again.
 */
function finishInterrupted(session: MigrateSession, plan: Plan, err: (s: string) => void, notStored: readonly Finding[], gone: readonly Finding[]): void {
  const { root, request } = session;
  if (!existsSync(join(root, STATE_DIR))) return;
  // The lock also refuses a run in progress, and clears one left by a killed run.
  const lock = Lock.acquire(root);
  const prior = journalSince(root, session.journal).prior;
  if (!prior.interrupted) {
    lock.release();
    return;
  }
  const journal = Journal.open(root);
  try {
    err(`secret-sweep: resuming after an interrupted run (${prior.interrupted.run}, stopped after ${prior.interrupted.lastStep}): its secrets are stored and its code already rewritten`);
    journal.append({ step: 'run-start', pid: process.pid, detail: '0 secret(s)', resumes: prior.interrupted.run });
    if (prior.interrupted.lastStep !== 'report-written') {
      // Killed after its last rewrite, before its report: write the report from what the journal knows.
      writeReports({
        root, plan, values: new Map(), outcomes: [], backend: request.backend, region: request.region ?? process.env.AWS_REGION,
        runId: journal.run, earlier: earlierOf(prior, gone, tokenKey(root)), gone, rules: session.rules, notStored,
        rewrites: withEarlierRewrites(emptyRewriteResult(), prior),
      });
      journal.append({ step: 'report-written' });
    }
    journal.append({ step: 'run-done', detail: 'nothing left to migrate' });
  } finally {
    journal.close();
    lock.release();
  }
}

/** --verify: what each committed value's issuer says, by fingerprint (the same step as scan --verify). */
async function verifiedForReport(session: MigrateSession, notStored: readonly Finding[]): Promise<Map<string, NonNullable<Finding['verification']>>> {
  const { checkRedirects } = await import('../verify/redirects.js');
  const { verifyFindings } = await import('../verify/scheduler.js');
  checkRedirects(process.env);
  const { findings } = await findingsOf(session);
  const byRule = new Map(session.rules.filter((r) => r.verify).map((r) => [r.id, r.verify!]));
  const { gitText, treeText } = await import('../verify/scan-step.js');
  const [tree, git] = [treeText(session.root), gitText(session.root)];
  const seen = new Set<string>();
  const unique = [...findings, ...notStored].filter((f) => !seen.has(f.fingerprint) && seen.add(f.fingerprint));
  const verified = await verifyFindings(unique, { verifierOf: (id) => byRule.get(id), textOf: (f) => (historyOnly(f) ? git(f) : tree(f)), salt: session.config.fingerprintSalt });
  return new Map(verified.map((f) => [f.fingerprint, f.verification!]));
}
