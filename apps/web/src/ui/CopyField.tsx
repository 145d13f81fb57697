import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';

/** A secret or link shown once, selectable, with a copy button that says when it copied. */
export function CopyField({ label, value }: { label: string; value: string }) {
  const { t } = useTranslation();
  const id = useId();
  const [copied, setCopied] = useState(false);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(value);
      setCopied(true);
    } catch {
      (document.getElementById(id) as HTMLInputElement | null)?.select();
    }
  };
  return (
    <div className="field copy-field">
      <label htmlFor={id}>{label}</label>
      <div className="copy-row">
        <input id={id} className="secret" readOnly value={value} onFocus={(e) => e.target.select()} />
        <button type="button" onClick={() => void copy()}>
          {t('action.copy')}
        </button>
      </div>
      <span role="status" className="field-hint">
        {copied ? t('action.copied') : ''}
      </span>
    </div>
  );
}
