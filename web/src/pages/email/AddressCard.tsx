import type { ReactNode } from 'react';
import { Field } from '../../components/Field';
import { useI18n } from '../../i18n';
import { type EmailDraft, parsePool, plusExample } from '../../lib/email';
import { described, FieldErrors } from './FieldErrors';

type Errors = Record<string, string[]>;

/** One way of making personal addresses, as a radio choice with its explanation. */
function ModeChoice({
  mode,
  draft,
  onChange,
  title,
  children,
}: {
  mode: EmailDraft['mode'];
  draft: EmailDraft;
  onChange: (patch: Partial<EmailDraft>) => void;
  title: string;
  children: ReactNode;
}) {
  return (
    <label className="choice">
      <input
        type="radio"
        name="email-mode"
        value={mode}
        checked={draft.mode === mode}
        onChange={() => onChange({ mode })}
      />
      <span className="choice-body">
        <span className="choice-title">{title}</span>
        <span className="choice-text">{children}</span>
      </span>
    </label>
  );
}

/** The site's public address and how each visitor's personal address is made. */
export function AddressCard({
  draft,
  errors,
  onChange,
}: {
  draft: EmailDraft;
  errors: Errors;
  onChange: (patch: Partial<EmailDraft>) => void;
}) {
  const { t } = useI18n();
  const poolCount = parsePool(draft.pool).length;
  const [plusBefore, plusAfter] = t('email.modePlusText').split('{example}');
  return (
    <section className="card" aria-labelledby="email-address-title">
      <h2 id="email-address-title">{t('email.addressTitle')}</h2>
      <div className="form">
        <Field id="email-public" label={t('email.publicAddress')} hint={t('email.publicAddressHint')}>
          <input
            id="email-public"
            className="email-public"
            type="text"
            inputMode="email"
            autoComplete="off"
            spellCheck={false}
            placeholder="info@shop.ru"
            value={draft.publicAddress}
            onChange={(e) => onChange({ publicAddress: e.target.value })}
            {...described('email-public', errors.publicAddress)}
          />
          <FieldErrors id="email-public" errors={errors.publicAddress} />
        </Field>

        <fieldset className="fieldset-plain email-modes">
          <legend className="field-label">{t('email.mode')}</legend>
          <div className="choice-row">
            <ModeChoice mode="plus" draft={draft} onChange={onChange} title={t('email.modePlus')}>
              {plusBefore}
              <code data-testid="plus-example">{plusExample(draft.publicAddress)}</code>
              {plusAfter}
            </ModeChoice>
            <ModeChoice mode="pool" draft={draft} onChange={onChange} title={t('email.modePool')}>
              {t('email.modePoolText')}
            </ModeChoice>
          </div>
          {errors.aliases && <p className="field-error">{errors.aliases.join(' · ')}</p>}
        </fieldset>

        {draft.mode === 'pool' && (
          <div className="email-pool">
            <Field
              id="email-pool"
              label={t('email.pool')}
              hint={
                <>
                  {t('email.poolHint')}{' '}
                  <span className="nowrap" data-testid="pool-count">
                    {t('email.poolCount', { count: poolCount })}
                  </span>
                </>
              }
            >
              <textarea
                id="email-pool"
                className="mono"
                rows={Math.min(10, Math.max(4, draft.pool.split('\n').length + 1))}
                spellCheck={false}
                placeholder={'a1@shop.ru\na2@shop.ru\na3@shop.ru'}
                value={draft.pool}
                onChange={(e) => onChange({ pool: e.target.value })}
                {...described('email-pool', errors['aliases.addresses'])}
              />
              <FieldErrors id="email-pool" errors={errors['aliases.addresses']} />
            </Field>
            <Field id="email-hold" label={t('email.hold')} hint={t('email.holdHint')}>
              <input
                id="email-hold"
                type="number"
                inputMode="numeric"
                min={1}
                max={10_080}
                step={1}
                value={draft.holdMinutes}
                onChange={(e) => onChange({ holdMinutes: e.target.value })}
                {...described('email-hold', errors['aliases.holdMinutes'])}
              />
              <FieldErrors id="email-hold" errors={errors['aliases.holdMinutes']} />
            </Field>
          </div>
        )}
      </div>
    </section>
  );
}
