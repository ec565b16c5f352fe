import type { EntityRecord } from '../types';
import { formatLineTotal, toRecordFields } from '../utils/to-record-fields';

export function EntityRecordView({ record, locale }: { record: EntityRecord; locale?: string }) {
  return (
    <>
      <dl className="details-list entity-record">
        {toRecordFields(record, locale).map((f) => (
          <div key={f.label} className="entity-record__row">
            <dt>{f.label}</dt>
            <dd>{f.value}</dd>
          </div>
        ))}
      </dl>
      {record.type === 'order' && (
        <section className="entity-lines" aria-label="Order lines">
          {record.items === null ? (
            <p className="muted">The order's lines are not kept after it is deleted.</p>
          ) : record.items.length === 0 ? (
            <p className="muted">No items.</p>
          ) : (
            <ul>
              {record.items.map((l, i) => (
                <li key={`${l.sku ?? l.name}-${i}`}>
                  <span>{l.name}</span>
                  {l.sku && <span className="muted"> · {l.sku}</span>}
                  <span className="entity-lines__qty">{formatLineTotal(l.quantity, l.unitPriceCents, locale)}</span>
                </li>
              ))}
            </ul>
          )}
        </section>
      )}
    </>
  );
}
