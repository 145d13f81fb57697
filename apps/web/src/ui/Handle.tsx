import { Fragment } from 'react';

/**
 * An account's handle (`@name@instance.example`), which may wrap only before its `@` and `.`: on
 * a narrow screen a long one breaks between its parts, never in the middle of a name.
 */
export function Handle({ handle }: { handle: string }) {
  const parts = handle.split(/(?=[@.])/);
  return (
    <span className="handle">
      {parts.map((part, i) => (
        <Fragment key={i}>
          {i > 0 && <wbr />}
          {part}
        </Fragment>
      ))}
    </span>
  );
}
