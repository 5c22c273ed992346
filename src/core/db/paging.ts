/** A page of rows plus whether more follow (one extra row is fetched to know). */
export interface Page<T> {
  items: T[];
  hasMore: boolean;
  offset: number;
}

export interface PageRequest {
  offset?: number;
  limit?: number;
}

export const DEFAULT_PAGE_SIZE = 50;

export function pageParams(req: PageRequest = {}): { offset: number; limit: number } {
  const limit = Math.max(1, Math.min(req.limit ?? DEFAULT_PAGE_SIZE, 1000));
  return { offset: Math.max(0, req.offset ?? 0), limit };
}

export function toPage<T>(rows: T[], offset: number, limit: number): Page<T> {
  return { items: rows.slice(0, limit), hasMore: rows.length > limit, offset };
}
