-- The identity sequences behind orders.number and tickets.number were created under the
-- project's default privileges: on Supabase those still give anon and authenticated UPDATE on
-- new sequences (auto_expose_new_tables = false revokes only USAGE and SELECT), and on older
-- projects everything. UPDATE allows setval(), so a caller could move the numbers shown to
-- humans. Only service_role (which inserts orders and tickets) keeps its grant.
revoke all on sequence public.orders_number_seq, public.tickets_number_seq from public, anon, authenticated;
