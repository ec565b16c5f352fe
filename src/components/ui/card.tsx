import type { HTMLAttributes, ReactNode } from 'react';

export interface CardProps extends Omit<HTMLAttributes<HTMLElement>, 'title'> {
  title?: ReactNode;
  /** Controls shown on the right of the title (range picker, download ...). */
  actions?: ReactNode;
  headingLevel?: 2 | 3;
}

export function Card({ title, actions, headingLevel = 2, className, children, ...rest }: CardProps) {
  const Heading = headingLevel === 2 ? 'h2' : 'h3';
  return (
    <section className={['card', className].filter(Boolean).join(' ')} {...rest}>
      {(title || actions) && (
        <div className="card__header">
          {title && <Heading className="card__title">{title}</Heading>}
          {actions}
        </div>
      )}
      {children}
    </section>
  );
}
