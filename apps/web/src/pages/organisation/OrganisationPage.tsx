import { useTranslation } from 'react-i18next';
import { useSignedIn } from '../../app/session';
import { usePageTitle } from '../../ui/usePageTitle';
import { AuditSection } from './AuditSection';
import { DecisionRuleSection } from './DecisionRuleSection';
import { InvitationsSection } from './InvitationsSection';
import { MembersSection } from './MembersSection';
import { OrganisationSettings } from './OrganisationSettings';
import { TokensSection } from './TokensSection';

/** `/organisation`: settings, members and roles, invitations, API tokens, decision rule, audit trail. */
export default function OrganisationPage() {
  const { t } = useTranslation('organisation');
  usePageTitle(t('title'));
  const { member, organisation } = useSignedIn();
  const admin = member.role === 'admin';
  return (
    <>
      <h1>{organisation.name}</h1>
      <nav aria-label={t('sections')} className="in-page">
        <ul>
          <li>
            <a href="#members">{t('members.title')}</a>
          </li>
          {admin && (
            <li>
              <a href="#invitations">{t('invitations.title')}</a>
            </li>
          )}
          <li>
            <a href="#tokens">{t('tokens.title')}</a>
          </li>
          <li>
            <a href="#rule">{t('rule.title')}</a>
          </li>
          <li>
            <a href="#audit">{t('audit.title')}</a>
          </li>
        </ul>
      </nav>
      <OrganisationSettings admin={admin} />
      <MembersSection admin={admin} />
      {admin && <InvitationsSection />}
      <TokensSection />
      <DecisionRuleSection admin={admin} />
      <AuditSection />
    </>
  );
}
