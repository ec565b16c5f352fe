/**
 * Shared Intl formatters, one per locale and options. Building an `Intl.NumberFormat` or
 * `Intl.DateTimeFormat` costs far more than formatting with one (it resolves the locale's data), and
 * the live dashboard re-renders its KPI cards, chart axes and badge on every change: in Chromium,
 * new formatters per render were a large share of the time a three-request order took to reach
 * every tab. Formatters are immutable, so sharing them is safe; the caches are capped.
 */
const MAX_KEPT = 64;

function cached<F, O>(make: (locale: string | undefined, options: O) => F) {
  const kept = new Map<string, F>();
  return (locale: string | undefined, options: O): F => {
    const key = `${locale ?? ''}|${JSON.stringify(options)}`;
    let formatter = kept.get(key);
    if (formatter === undefined) {
      if (kept.size >= MAX_KEPT) kept.delete(kept.keys().next().value as string);
      formatter = make(locale, options);
      kept.set(key, formatter);
    }
    return formatter;
  };
}

export const numberFormat = cached((locale, options: Intl.NumberFormatOptions = {}) => new Intl.NumberFormat(locale, options));

export const dateTimeFormat = cached((locale, options: Intl.DateTimeFormatOptions = {}) => new Intl.DateTimeFormat(locale, options));
