import { useEffect } from 'react';

/** Every page names itself in the browser tab (and to screen readers on navigation). */
export function usePageTitle(title: string): void {
  useEffect(() => {
    document.title = `${title} · Piquet`;
  }, [title]);
}
