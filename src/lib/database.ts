// Row and function types come from the generated file (npm run gen:types); never edited by hand.
export type { Database, Json } from '@/types/database';
