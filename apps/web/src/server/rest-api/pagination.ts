import { z } from "zod";

/** Query parameters of every list endpoint. */
export const pageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50).meta({
    description: "Items per page (1-200)",
  }),
  cursor: z.string().min(1).optional().meta({
    description: "`nextCursor` of the previous page; absent for the first page",
  }),
});
export type PageQuery = z.infer<typeof pageQuery>;

/** A page of `item`: the items and the cursor of the next page (null on the last). */
export function pageOf<T extends z.ZodType>(item: T, id: string) {
  return z
    .object({
      data: z.array(item),
      nextCursor: z.string().nullable().meta({ description: "Pass as `cursor` for the next page" }),
    })
    .meta({ id });
}

/** Cursors are opaque to clients: the sort key of the last item, base64url. */
export function encodeCursor(key: string): string {
  return Buffer.from(key, "utf8").toString("base64url");
}

export function decodeCursor(cursor: string | undefined): string | undefined {
  return cursor === undefined ? undefined : Buffer.from(cursor, "base64url").toString("utf8");
}

/**
 * One page out of `rows` fetched with limit + 1: the extra row only tells that there is more.
 */
export function paginate<R, T>(
  rows: R[],
  limit: number,
  keyOf: (row: R) => string,
  toApi: (row: R) => T,
): { data: T[]; nextCursor: string | null } {
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    data: page.map(toApi),
    nextCursor: rows.length > limit && last !== undefined ? encodeCursor(keyOf(last)) : null,
  };
}
