import type { Page } from '../shared/api.js';

/**
 * Walks a paginated list page by page, yielding each item; stops on the last page.
 * @param fetchPage reads one page from a cursor (`undefined` for the first)
 */
export async function* paginate<T>(fetchPage: (cursor: string | undefined) => Promise<Page<T>>): AsyncGenerator<T, void, undefined> {
  let cursor: string | undefined;
  do {
    const page = await fetchPage(cursor);
    yield* page.data;
    cursor = page.next_cursor ?? undefined;
  } while (cursor !== undefined);
}
