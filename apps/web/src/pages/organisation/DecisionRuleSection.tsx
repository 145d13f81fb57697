import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, call } from '../../api/client';
import type { DecisionRule } from '../../api/views';
import { FormMessage, SelectField, TextField } from '../../ui/Field';
import { Loaded } from '../../ui/States';
import { useLoad } from '../../ui/useLoad';
import { otherErrors, useSubmit } from '../../ui/useSubmit';

type Rule = DecisionRule & { secretBallotClosesAfterMinutes?: number | null };

/** How the collective decides a strike. Shown to everyone; changed by admins. */
export function DecisionRuleSection({ admin }: { admin: boolean }) {
  const { t } = useTranslation('organisation');
  const rule = useLoad(() => call<Rule>(api.GET('/v1/organisation/decision-rule')), []);
  return (
    <section id="rule" className="card" aria-labelledby="rule-title">
      <h2 id="rule-title">{t('rule.title')}</h2>
      <Loaded state={rule}>{(r) => (admin ? <RuleForm rule={r} onSaved={rule.reload} /> : <p>{describeRule(r, t)}</p>)}</Loaded>
    </section>
  );
}

function describeRule(r: Rule, t: (k: string, o?: Record<string, unknown>) => string): string {
  if (r.kind === 'assembly') return t('rule.describeAssembly');
  return t('rule.describeVotes', { count: r.quorumCount, percent: r.quorumPercent, ballot: t(`rule.ballot.${r.ballot}`) });
}

function RuleForm({ rule, onSaved }: { rule: Rule; onSaved: () => void }) {
  const { t } = useTranslation('organisation');
  const [kind, setKind] = useState(rule.kind);
  const [quorumCount, setQuorumCount] = useState(String(rule.quorumCount));
  const [quorumPercent, setQuorumPercent] = useState(String(rule.quorumPercent));
  const [ballot, setBallot] = useState(rule.ballot);
  const [closes, setCloses] = useState(rule.secretBallotClosesAfterMinutes ? String(rule.secretBallotClosesAfterMinutes) : '');
  const [saved, setSaved] = useState(false);
  const save = useSubmit(async () => {
    setSaved(false);
    const body = {
      kind,
      quorumCount: Number(quorumCount),
      quorumPercent: Number(quorumPercent),
      ballot,
      ...('secretBallotClosesAfterMinutes' in rule ? { secretBallotClosesAfterMinutes: ballot === 'secret' && closes ? Number(closes) : null } : {}),
    };
    await call(api.PUT('/v1/organisation/decision-rule', { body: body as DecisionRule }));
    setSaved(true);
    onSaved();
  });
  const e = save.error;
  return (
    <form onSubmit={save.onSubmit()} noValidate>
      <p>{describeRule(rule, t)}</p>
      <FormMessage kind="error">{otherErrors(e, ['kind', 'quorumCount', 'quorumPercent', 'ballot', 'secretBallotClosesAfterMinutes'])}</FormMessage>
      <FormMessage kind="success">{saved ? t('rule.saved') : null}</FormMessage>
      <SelectField label={t('rule.kind')} value={kind} onChange={(ev) => setKind(ev.target.value as Rule['kind'])} errors={e?.forField('kind')}>
        <option value="votes">{t('rule.kinds.votes')}</option>
        <option value="assembly">{t('rule.kinds.assembly')}</option>
      </SelectField>
      <div className="two-cols">
        <TextField label={t('rule.quorumCount')} type="number" min={2} value={quorumCount} onChange={(ev) => setQuorumCount(ev.target.value)} errors={e?.forField('quorumCount')} />
        <TextField label={t('rule.quorumPercent')} type="number" min={1} max={100} value={quorumPercent} onChange={(ev) => setQuorumPercent(ev.target.value)} errors={e?.forField('quorumPercent')} />
      </div>
      <SelectField label={t('rule.ballotLabel')} hint={t('rule.ballotHint')} value={ballot} onChange={(ev) => setBallot(ev.target.value as Rule['ballot'])} errors={e?.forField('ballot')}>
        <option value="named">{t('rule.ballot.named')}</option>
        <option value="secret">{t('rule.ballot.secret')}</option>
      </SelectField>
      {'secretBallotClosesAfterMinutes' in rule && ballot === 'secret' && (
        <TextField
          label={t('rule.closes')}
          hint={t('rule.closesHint')}
          type="number"
          min={1}
          max={43200}
          value={closes}
          onChange={(ev) => setCloses(ev.target.value)}
          errors={e?.forField('secretBallotClosesAfterMinutes')}
        />
      )}
      <button type="submit" className="button-primary" disabled={save.busy}>
        {t('common:action.save')}
      </button>
    </form>
  );
}
