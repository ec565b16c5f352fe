import { Bar, BarChart, CartesianGrid, LabelList, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { StatusBar } from '../types';
import { chartConfig } from './chart-config';

export interface TicketStatusChartProps {
  data: StatusBar[];
}

export function TicketStatusChart({ data }: TicketStatusChartProps) {
  return (
    <ResponsiveContainer width="100%" height={chartConfig.height}>
      <BarChart data={data} layout="vertical" margin={{ top: 4, right: 40, bottom: 0, left: 8 }}>
        <CartesianGrid stroke={chartConfig.grid} horizontal={false} />
        <XAxis type="number" allowDecimals={false} stroke={chartConfig.axis} tickLine={false} />
        <YAxis type="category" dataKey="label" width={104} stroke={chartConfig.axis} tickLine={false} />
        <Tooltip cursor={{ fill: 'var(--surface-2)' }} contentStyle={{ background: 'var(--surface)', borderColor: 'var(--border)' }} />
        <Bar dataKey="count" name={chartConfig.ticketStatus.label} fill={chartConfig.ticketStatus.fill} radius={[0, 4, 4, 0]} isAnimationActive={false}>
          <LabelList dataKey="count" position="right" className="chart-bar-label" />
        </Bar>
      </BarChart>
    </ResponsiveContainer>
  );
}
