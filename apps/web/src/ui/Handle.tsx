import { Fragment } from 'react';

/**
 * An account's handle (`@name@instance.example`), which wraps before its second `@` on a narrow
 * screen: between the name and the server, never in the middle of either (unless one alone is
 * wider than the line).
 */
export function Handle({ handle }: { handle: string }) {
  const parts = handle.split(/(?=@)/);
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
