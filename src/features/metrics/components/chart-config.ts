/** Colours and labels of the charts, in one place; colours are CSS variables so themes apply. */
export const chartConfig = {
  revenue: { label: 'Revenue', stroke: 'var(--chart-revenue)', fill: 'var(--chart-revenue-fill)' },
  ticketStatus: { label: 'Tickets', fill: 'var(--chart-revenue)' },
  grid: 'var(--chart-grid)',
  axis: 'var(--chart-axis)',
  height: 280,
} as const;
