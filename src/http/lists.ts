import { z } from 'zod';

/** A list answer: `{items}`. */
export const itemsJson = <T extends z.ZodType>(item: T) => z.object({ items: z.array(item) });

/** A page of a longer list, newest first: the next page is asked for with `cursor=nextCursor`. */
export const pageJson = <T extends z.ZodType>(item: T) =>
  z.object({ items: z.array(item), nextCursor: z.string().nullable() });
