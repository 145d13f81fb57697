import { useId, type InputHTMLAttributes, type ReactNode, type SelectHTMLAttributes, type TextareaHTMLAttributes } from 'react';

interface FieldShell {
  label: ReactNode;
  hint?: ReactNode;
  /** The API's messages for this field (ApiError.forField). */
  errors?: string[];
}

/** Label, control, hint and errors tied together (aria-describedby, aria-invalid). */
function useFieldIds(errors?: string[], hint?: ReactNode) {
  const id = useId();
  const hintId = hint ? `${id}-hint` : undefined;
  const errorId = errors && errors.length ? `${id}-error` : undefined;
  const describedBy = [hintId, errorId].filter(Boolean).join(' ') || undefined;
  return { id, hintId, errorId, describedBy, invalid: Boolean(errorId) };
}

function Messages({ hint, hintId, errors, errorId }: { hint?: ReactNode; hintId?: string; errors?: string[]; errorId?: string }) {
  return (
    <>
      {hint && (
        <span className="field-hint" id={hintId}>
          {hint}
        </span>
      )}
      {errorId && (
        <span className="field-error" id={errorId}>
          {errors!.join(' ')}
        </span>
      )}
    </>
  );
}

export function TextField({ label, hint, errors, ...input }: FieldShell & InputHTMLAttributes<HTMLInputElement>) {
  const f = useFieldIds(errors, hint);
  return (
    <div className={`field${f.invalid ? ' field-invalid' : ''}`}>
      <label htmlFor={input.id ?? f.id}>{label}</label>
      <input id={f.id} {...input} aria-invalid={f.invalid || undefined} aria-describedby={f.describedBy} />
      <Messages hint={hint} hintId={f.hintId} errors={errors} errorId={f.errorId} />
    </div>
  );
}

export function TextArea({ label, hint, errors, ...area }: FieldShell & TextareaHTMLAttributes<HTMLTextAreaElement>) {
  const f = useFieldIds(errors, hint);
  return (
    <div className={`field${f.invalid ? ' field-invalid' : ''}`}>
      <label htmlFor={area.id ?? f.id}>{label}</label>
      <textarea id={f.id} {...area} aria-invalid={f.invalid || undefined} aria-describedby={f.describedBy} />
      <Messages hint={hint} hintId={f.hintId} errors={errors} errorId={f.errorId} />
    </div>
  );
}

export function SelectField({ label, hint, errors, children, ...select }: FieldShell & SelectHTMLAttributes<HTMLSelectElement>) {
  const f = useFieldIds(errors, hint);
  return (
    <div className={`field${f.invalid ? ' field-invalid' : ''}`}>
      <label htmlFor={select.id ?? f.id}>{label}</label>
      <select id={f.id} {...select} aria-invalid={f.invalid || undefined} aria-describedby={f.describedBy}>
        {children}
      </select>
      <Messages hint={hint} hintId={f.hintId} errors={errors} errorId={f.errorId} />
    </div>
  );
}

/** A form-level message (an error that names no field, or a success), announced when it appears. */
export function FormMessage({ kind, children }: { kind: 'error' | 'success'; children: ReactNode }) {
  if (!children) return null;
  return (
    <div className={`form-message form-${kind}`} role={kind === 'error' ? 'alert' : 'status'}>
      {children}
    </div>
  );
}
