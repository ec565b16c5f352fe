// Stand-in for the generated src/types/database.ts (DB engineer) until it lands: only the RPCs the
// engine calls, typed as in the team contract. Replace the body with a re-export once it exists.
export type Json = string | number | boolean | null | { [key: string]: Json | undefined } | Json[];

type ActivityRow = {
  id: number;
  kind: string;
  entity_type: string;
  entity_id: string;
  occurred_at: string;
  summary: Json;
};

export type Database = {
  public: {
    Tables: Record<string, never>;
    Views: Record<string, never>;
    Functions: {
      dashboard_kpis: { Args: { p_from?: string; p_to?: string }; Returns: Json };
      revenue_series: {
        Args: { p_from: string; p_to: string; p_bucket?: string; p_tz?: string };
        Returns: { bucket_start: string; revenue_cents: number; orders_count: number }[];
      };
      activity_feed: {
        Args: { p_limit?: number; p_after?: number; p_before?: number };
        Returns: ActivityRow[];
      };
      ticket_status_breakdown: { Args: Record<string, never>; Returns: { status: string; count: number }[] };
      current_staff: { Args: Record<string, never>; Returns: Json };
    };
    Enums: Record<string, never>;
    CompositeTypes: Record<string, never>;
  };
};
