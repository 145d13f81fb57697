import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { uploadMedia } from '../../api/client';
import type { ApiError } from '../../api/errors';
import { FormMessage } from '../../ui/Field';

export interface DraftMedia {
  mediaId: string;
  altText: string;
  mimeType: string;
  /** A data: URL of the chosen file (the CSP allows data: images, not blob:). */
  preview: string | null;
}

function readAsDataUrl(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result));
    reader.onerror = () => reject(reader.error ?? new Error('unreadable file'));
    reader.readAsDataURL(file);
  });
}

/** Images with their descriptions: each image needs one, and a missing one is said next to it. */
export function MediaPicker({ media, onChange, errors, maxMedia }: { media: DraftMedia[]; onChange: (m: DraftMedia[]) => void; errors?: string[]; maxMedia: number }) {
  const { t } = useTranslation('composer');
  const inputId = useId();
  const [busy, setBusy] = useState(false);
  const [uploadError, setUploadError] = useState<string | null>(null);

  const add = async (files: FileList | null) => {
    if (!files?.length) return;
    setBusy(true);
    setUploadError(null);
    const added: DraftMedia[] = [];
    try {
      for (const file of [...files].slice(0, Math.max(0, maxMedia - media.length))) {
        const uploaded = await uploadMedia(file);
        added.push({ mediaId: uploaded.id, mimeType: uploaded.mimeType, altText: '', preview: await readAsDataUrl(file) });
      }
    } catch (err) {
      setUploadError((err as ApiError).forField?.('file').join(' ') || (err as Error).message);
    } finally {
      onChange([...media, ...added]);
      setBusy(false);
    }
  };
  const setAlt = (i: number, altText: string) => onChange(media.map((m, j) => (j === i ? { ...m, altText } : m)));
  const remove = (i: number) => onChange(media.filter((_, j) => j !== i));

  return (
    <fieldset className="media">
      <legend>{t('images')}</legend>
      <FormMessage kind="error">{uploadError}</FormMessage>
      {errors && errors.length > 0 && <p className="field-error">{errors.join(' ')}</p>}
      <ul className="media-list">
        {media.map((m, i) => {
          const altId = `${inputId}-alt-${i}`;
          const missing = !m.altText.trim();
          return (
            <li key={m.mediaId} className="media-item">
              {m.preview ? <img src={m.preview} alt="" className="media-thumb" /> : <span className="media-thumb media-thumb-none">{m.mimeType}</span>}
              <div className={`field${missing ? ' field-invalid' : ''}`}>
                <label htmlFor={altId}>{t('altText', { n: i + 1 })}</label>
                <textarea
                  id={altId}
                  className="alt-text"
                  value={m.altText}
                  onChange={(e) => setAlt(i, e.target.value)}
                  aria-invalid={missing || undefined}
                  aria-describedby={missing ? `${altId}-missing` : undefined}
                  maxLength={1500}
                />
                {missing && (
                  <span className="field-error" id={`${altId}-missing`}>
                    {t('altMissing')}
                  </span>
                )}
              </div>
              <button type="button" className="button-quiet" onClick={() => remove(i)}>
                {t('removeImage', { n: i + 1 })}
              </button>
            </li>
          );
        })}
      </ul>
      {media.length < maxMedia && (
        <div className="field">
          <label htmlFor={inputId}>{t('addImage')}</label>
          <input id={inputId} type="file" accept="image/png,image/jpeg,image/gif,image/webp" multiple disabled={busy} onChange={(e) => void add(e.target.files).then(() => (e.target.value = ''))} />
          <span className="field-hint">{t('imagesHint', { count: maxMedia })}</span>
        </div>
      )}
    </fieldset>
  );
}
