import { Link } from 'react-router-dom';
import { EmptyState } from '@/components/ui/empty-state';

export function NotFoundRoute() {
  return (
    <>
      <title>Not found · Repair Shop</title>
      <EmptyState title="This page does not exist">
        <Link to="/">Back to the overview</Link>
      </EmptyState>
    </>
  );
}
