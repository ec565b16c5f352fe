import { Area, AreaChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { RevenueChartPoint } from '../types';
import { formatCount, formatMoneyCents, formatMoneyCompact } from '../utils/format-number';
import { chartConfig } from './chart-config';

export interface RevenueChartProps {
  data: RevenueChartPoint[];
  locale?: string;
}

interface TooltipProps {
  active?: boolean;
  payload?: readonly { payload?: RevenueChartPoint }[];
  locale?: string;
}

function RevenueTooltip({ active, payload, locale }: TooltipProps) {
  const point = payload?.[0]?.payload;
  if (!active || !point) return null;
  return (
    <div className="chart-tooltip">
      <div className="chart-tooltip__label">{point.label}</div>
      <div className="tabular">{formatMoneyCents(point.revenueCents, { locale })}</div>
      <div className="muted tabular">{formatCount(point.ordersCount, { locale })} orders</div>
    </div>
  );
}

/** The revenue area. A view only: the series arrives shaped; live updates do not animate. */
export function RevenueChart({ data, locale }: RevenueChartProps) {
  return (
    <ResponsiveContainer width="100%" height={chartConfig.height}>
      <AreaChart data={data} margin={{ top: 8, right: 8, bottom: 0, left: 0 }}>
        <CartesianGrid stroke={chartConfig.grid} vertical={false} />
        <XAxis dataKey="label" stroke={chartConfig.axis} tickLine={false} minTickGap={28} />
        <YAxis
          stroke={chartConfig.axis}
          tickLine={false}
          axisLine={false}
          width={68}
          tickFormatter={(v: number) => formatMoneyCompact(v, { locale })}
        />
        <Tooltip content={<RevenueTooltip locale={locale} />} />
        <Area
          type="monotone"
          dataKey="revenueCents"
          name={chartConfig.revenue.label}
          stroke={chartConfig.revenue.stroke}
          fill={chartConfig.revenue.fill}
          strokeWidth={2}
          isAnimationActive={false}
        />
      </AreaChart>
    </ResponsiveContainer>
  );
}
