import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import { setApiLanguage } from '../api/client';
import type { Lang } from '../api/types';
import { en } from './en';
import { type Dict, type MessageKey, ru } from './ru';

const dictionaries: Record<Lang, Dict> = { ru, en };
const STORAGE_KEY = 'lt.lang';

export type Translate = (key: MessageKey, params?: Record<string, string | number>) => string;

interface I18n {
  lang: Lang;
  t: Translate;
  /** An explicit choice: remembered in this browser and preferred over the account's language. */
  setLang: (lang: Lang) => void;
}

const I18nContext = createContext<I18n | null>(null);

const isLang = (v: unknown): v is Lang => v === 'ru' || v === 'en';

function readStored(): Lang | null {
  try {
    const v = window.localStorage.getItem(STORAGE_KEY);
    return isLang(v) ? v : null;
  } catch {
    return null;
  }
}

/** Chooses the language: explicit choice (localStorage) > the user's language from the server > 'ru'. */
export function I18nProvider({ serverLang, children }: { serverLang: Lang | null; children: ReactNode }) {
  const [explicit, setExplicit] = useState<Lang | null>(readStored);
  const lang: Lang = explicit ?? serverLang ?? 'ru';

  setApiLanguage(lang);
  useEffect(() => {
    document.documentElement.lang = lang;
  }, [lang]);

  const setLang = useCallback((next: Lang) => {
    try {
      window.localStorage.setItem(STORAGE_KEY, next);
    } catch {
      // private mode: the choice lasts for this page only
    }
    setExplicit(next);
  }, []);

  const t = useCallback<Translate>(
    (key, params) => {
      const text = dictionaries[lang][key];
      if (!params) return text;
      return text.replace(/\{(\w+)\}/g, (m, name: string) => (name in params ? String(params[name]) : m));
    },
    [lang],
  );

  const value = useMemo(() => ({ lang, t, setLang }), [lang, t, setLang]);
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18n {
  const ctx = useContext(I18nContext);
  if (!ctx) throw new Error('useI18n outside I18nProvider');
  return ctx;
}

export type { MessageKey };
