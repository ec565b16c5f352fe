import type { KpiCardModel } from '../types';
import { formatDateTime, formatTime } from '../utils/format-number';

const ARROWS = { up: '▲', down: '▼', flat: '▬', none: '' } as const;

export interface KpiCardProps {
  card: KpiCardModel;
  asOf: string;
  locale?: string;
}

export function KpiCard({ card, asOf, locale }: KpiCardProps) {
  const titleId = `kpi-${card.id}-title`;
  return (
    <article className="card kpi" data-testid={`kpi-${card.id}`} data-value={card.value} aria-labelledby={titleId}>
      <h2 id={titleId} className="kpi__title">
        {card.title}
      </h2>
      {/* a div, not a p: a big bold paragraph reads as a fake heading (axe p-as-heading) */}
      <div className="kpi__value tabular">{card.display}</div>
      <p className={`kpi__change kpi__change--${card.change.direction}`}>
        {ARROWS[card.change.direction] && <span aria-hidden="true">{ARROWS[card.change.direction]} </span>}
        <span className="tabular">{card.change.label}</span>
        {card.change.direction !== 'none' && <span className="muted"> {card.comparedTo}</span>}
      </p>
      <p className="kpi__as-of muted">
        As of{' '}
        <time dateTime={asOf} title={formatDateTime(asOf, { locale })}>
          {formatTime(asOf, { locale })}
        </time>
      </p>
    </article>
  );
}
