import { useQueryClient } from '@tanstack/react-query';
import { api } from '../../api/client';
import { keys } from '../../api/queries';
import type { Project } from '../../api/types';
import { ConfirmButton } from '../../components/ConfirmButton';
import { useI18n } from '../../i18n';
import { navigate } from '../../router';

/** Deleting the project (owner, admin), after a confirmation. */
export function DangerCard({ project }: { project: Project }) {
  const { t } = useI18n();
  const queryClient = useQueryClient();
  return (
    <section className="card card-danger" aria-labelledby="danger-title">
      <h2 id="danger-title">{t('project.dangerTitle')}</h2>
      <p className="muted small">{t('project.dangerText')}</p>
      <ConfirmButton
        label={t('project.delete')}
        title={t('project.deleteTitle', { name: project.name })}
        text={t('project.deleteText')}
        confirmLabel={t('common.delete')}
        danger
        className="btn btn-danger"
        onConfirm={async () => {
          await api.deleteProject(project.id);
          navigate('/', { replace: true });
          queryClient.removeQueries({ queryKey: keys.project(project.id) });
          await queryClient.invalidateQueries({ queryKey: keys.projects, exact: true });
        }}
      />
    </section>
  );
}
