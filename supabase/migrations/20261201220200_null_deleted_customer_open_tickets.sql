-- entity_detail for a deleted customer answered open_tickets: 0, a number the log never held.
-- As for every other field the log does not keep (phone, customer_id, items), it is null.
-- Same function otherwise; create or replace keeps its grants.
create or replace function private.entity_from_log(p_type text, p_id uuid) returns jsonb
language plpgsql
stable
security invoker
set search_path = ''
as $$
declare
  v_first public.activity_log;
  v_last public.activity_log;
  v_gone public.activity_log;
  v_state jsonb;
  v_status text;
begin
  select a.* into v_first from public.activity_log a
   where a.entity_type = p_type and a.entity_id = p_id order by a.id limit 1;
  if not found then
    return null;
  end if;
  select a.* into v_last from public.activity_log a
   where a.entity_type = p_type and a.entity_id = p_id and a.kind not like '%\_deleted' order by a.id desc limit 1;
  select a.* into v_gone from public.activity_log a
   where a.entity_type = p_type and a.entity_id = p_id and a.kind like '%\_deleted' order by a.id desc limit 1;

  -- Oldest row (the creation: issue, priority, item count), then the newest change (a status
  -- change's new_status is the status), then the deletion's own copy of the row.
  v_state := v_first.summary
          || coalesce(v_last.summary || case when v_last.summary ? 'new_status'
                                             then jsonb_build_object('status', v_last.summary -> 'new_status')
                                             else '{}' end, '{}')
          || coalesce(v_gone.summary, '{}');
  v_status := v_state ->> 'status';

  return case p_type
    when 'ticket' then jsonb_build_object(
      'id', p_id, 'number', v_state -> 'ticket_number', 'customer_id', null,
      'customer_name', v_state -> 'customer_name', 'device', v_state -> 'device', 'issue', v_state -> 'issue',
      'status', v_state -> 'status', 'priority', v_state -> 'priority',
      'created_at', case when v_first.kind = 'ticket_created' then v_first.occurred_at end,
      'closed_at', case when v_status in ('closed', 'cancelled') then v_last.occurred_at end)
    when 'order' then jsonb_build_object(
      'id', p_id, 'number', v_state -> 'order_number', 'customer_id', null,
      'customer_name', v_state -> 'customer_name', 'status', v_state -> 'status',
      'total_cents', v_state -> 'total_cents', 'item_count', v_state -> 'item_count', 'items', null)
    when 'customer' then jsonb_build_object(
      'id', p_id, 'full_name', v_state -> 'customer_name', 'email', v_state -> 'email', 'phone', null,
      'open_tickets', null)
    else jsonb_build_object(
      'id', p_id, 'name', v_state -> 'product_name', 'sku', v_state -> 'sku',
      'price_cents', v_state -> 'price_cents', 'stock', v_state -> 'stock')
  end;
end;
$$;
