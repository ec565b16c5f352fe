import { useEffect, useState, type Ref } from 'react';
import { MAX_QUERY_LENGTH } from '../types';

export const SEARCH_DEBOUNCE_MS = 300;

export interface SearchBoxProps {
  /** the query in the URL */
  value: string;
  /** called with the typed text once typing pauses (or on Enter) */
  onChange: (q: string) => void;
  inputRef?: Ref<HTMLInputElement>;
}

/** The search field. It keeps what is typed and hands it on after a pause; a URL change from outside (Back) replaces it. */
export function SearchBox({ value, onChange, inputRef }: SearchBoxProps) {
  const [draft, setDraft] = useState(value);
  const [shown, setShown] = useState(value);
  const [sent, setSent] = useState<string | null>(null);
  if (value !== shown) {
    setShown(value);
    // our own text coming back through the URL must not undo what was typed since
    if (value !== sent) setDraft(value);
    setSent(null);
  }

  useEffect(() => {
    if (draft === value) return;
    const timer = setTimeout(() => {
      setSent(draft);
      onChange(draft);
    }, SEARCH_DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [draft, value, onChange]);

  return (
    <form
      role="search"
      className="activity-search"
      onSubmit={(e) => {
        e.preventDefault();
        if (draft !== value) {
          setSent(draft);
          onChange(draft);
        }
      }}
    >
      <label htmlFor="activity-search" className="visually-hidden">
        Search activity
      </label>
      <input
        id="activity-search"
        ref={inputRef}
        data-testid="activity-search"
        className="input activity-search__input"
        type="search"
        placeholder="Search: #1042, Jane, iPhone, SKU…  ( / )"
        autoComplete="off"
        spellCheck={false}
        maxLength={MAX_QUERY_LENGTH}
        value={draft}
        onChange={(e) => setDraft(e.target.value)}
      />
    </form>
  );
}
