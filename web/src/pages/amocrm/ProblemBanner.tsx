import type { AmoProblem } from '../../api/types';
import { useI18n } from '../../i18n';
import { useFormat } from '../../lib/format';

/** The account refuses every request: said prominently, in the account's own words. */
export function ProblemBanner({ problem }: { problem: AmoProblem }) {
  const { t } = useI18n();
  const fmt = useFormat();
  return (
    <div className="alert alert-error amo-problem" role="alert" data-testid="amo-problem">
      <strong>{t('amo.problem.title')}</strong>
      <p className="amo-problem-line">{t('amo.problem.text', { reason: problem.reason })}</p>
      <p className="amo-problem-line">
        {problem.nextProbeAt
          ? t('amo.problem.next', {
              next: fmt.dateTime(problem.nextProbeAt),
              until: fmt.dateTime(problem.probeUntil),
            })
          : t('amo.problem.givenUp')}
      </p>
    </div>
  );
}
