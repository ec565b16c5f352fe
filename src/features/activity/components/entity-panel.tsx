import type { StaffRole } from '@/live/types';
import { Dialog } from '@/components/ui/dialog';
import { EmptyState } from '@/components/ui/empty-state';
import { ErrorState } from '@/components/ui/error-state';
import { Skeleton } from '@/components/ui/skeleton';
import type { EntityPanelState } from '../stores/entity-reducer';
import type { EntityRef } from '../types';
import { canOpen, KIND_NAMES } from '../utils/can-open';
import { toRecordTitle } from '../utils/to-record-fields';
import { EntityHistory } from './entity-history';
import { EntityRecordView } from './entity-record';

export interface EntityPanelProps {
  target: EntityRef;
  role: StaffRole;
  state: EntityPanelState;
  onClose: () => void;
  onRetry: () => void;
  fallbackFocus?: () => HTMLElement | null;
  locale?: string;
}

/** The drill-down: one entity's record and its whole history, as a modal side panel. */
export function EntityPanel({ target, role, state, onClose, onRetry, fallbackFocus, locale }: EntityPanelProps) {
  const name = KIND_NAMES[target.type];
  const allowed = canOpen(role, target.type) && state.status !== 'forbidden';
  // the store catches up with a new target one render later: never show the previous entity meanwhile
  const current = state.ref?.type === target.type && state.ref.id === target.id;
  const detail = allowed && current ? state.detail : null;
  const title = allowed ? toRecordTitle(detail?.record ?? null, name) : `${name} not available`;

  let body;
  if (!allowed) {
    body = (
      <EmptyState title={`${name}s are not available for your role`}>
        This link points to {name.toLowerCase()} details that only admins can see.
      </EmptyState>
    );
  } else if (!detail) {
    body =
      current && state.status === 'error' ? (
        <ErrorState title={`Couldn't load this ${name.toLowerCase()}`} error={state.error} onRetry={onRetry} />
      ) : (
        <div role="status" aria-busy="true" aria-label={`Loading the ${name.toLowerCase()}`}>
          <Skeleton height={180} />
        </div>
      );
  } else if (!detail.record && detail.history.length === 0) {
    body = <EmptyState title={`${name} not found`}>Nothing by this id exists now or in the activity log.</EmptyState>;
  } else {
    body = (
      <>
        {state.error && <ErrorState title="Couldn't refresh" error={state.error} onRetry={onRetry} />}
        {detail.deleted && (
          <p className="alert entity-panel__deleted" role="note">
            <span className="badge">Deleted</span> This {name.toLowerCase()} was deleted; below is its last known state from the log.
          </p>
        )}
        {detail.record && <EntityRecordView record={detail.record} locale={locale} />}
        <EntityHistory items={detail.history} complete={detail.historyComplete} locale={locale} />
      </>
    );
  }

  return (
    <Dialog
      title={title}
      onClose={onClose}
      placement="side"
      fallbackFocus={fallbackFocus}
      className="entity-panel"
      data-testid="entity-panel"
      data-entity-type={target.type}
      data-entity-id={target.id}
      data-state={allowed ? state.status : 'forbidden'}
      data-deleted={detail?.deleted ? 'true' : undefined}
    >
      {body}
    </Dialog>
  );
}
