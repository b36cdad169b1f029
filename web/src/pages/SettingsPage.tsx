import { PageHeader } from '../components/PageHeader';
import { useI18n } from '../i18n';
import { AccountCard } from './settings/AccountCard';
import { PasswordCard } from './settings/PasswordCard';
import { ProfileCard } from './settings/ProfileCard';
import { TokensCard } from './settings/TokensCard';

export function SettingsPage() {
  const { t } = useI18n();
  return (
    <>
      <PageHeader title={t('settings.title')} lead={t('settings.lead')} />
      <div className="grid-two">
        <AccountCard />
        <div className="stack">
          <ProfileCard />
          <PasswordCard />
        </div>
      </div>
      <div className="stack-gap">
        <TokensCard />
      </div>
    </>
  );
}
