import { PageHeader } from '../components/PageHeader';
import { useI18n } from '../i18n';
import { Link } from '../router';

export function NotFoundPage() {
  const { t } = useI18n();
  return (
    <>
      <PageHeader title={t('notFound.title')} lead={t('notFound.text')} />
      <Link to="/" className="btn btn-primary">
        {t('notFound.home')}
      </Link>
    </>
  );
}
