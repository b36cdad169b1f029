import type { Lang } from '../api/types';
import { useI18n } from '../i18n';

const langs: Lang[] = ['ru', 'en'];

export function LanguageSwitch() {
  const { lang, setLang, t } = useI18n();
  return (
    // biome-ignore lint/a11y/useSemanticElements: a group of toggle buttons, not a form fieldset
    <div className="lang-switch" role="group" aria-label={t('nav.language')}>
      {langs.map((l) => (
        <button
          key={l}
          type="button"
          lang={l}
          aria-pressed={lang === l}
          title={t(l === 'ru' ? 'lang.ru' : 'lang.en')}
          onClick={() => setLang(l)}
        >
          {t(l === 'ru' ? 'lang.ruShort' : 'lang.enShort')}
        </button>
      ))}
    </div>
  );
}
