import type { ButtonHTMLAttributes } from 'react';

type Variant = 'default' | 'primary' | 'ghost';

export interface ButtonProps extends ButtonHTMLAttributes<HTMLButtonElement> {
  variant?: Variant;
  size?: 'default' | 'small';
}

export function Button({ variant = 'default', size = 'default', className, type = 'button', ...rest }: ButtonProps) {
  const classes = ['button', variant !== 'default' && `button--${variant}`, size === 'small' && 'button--small', className]
    .filter(Boolean)
    .join(' ');
  return <button type={type} className={classes} {...rest} />;
}
