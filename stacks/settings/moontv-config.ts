import { z } from "zod";

/**
 * The shape of MoonTV's `config.json` (upstream MoonTV; read from /app/config.json when DOCKER_ENV=true):
 * `{ cache_time, api_site: { <key>: { api, name, detail? } }, custom_category: [{ name?, type, query }] }`.
 * Unknown top-level keys are refused so that a typo (e.g. `api_sites`) is caught before deploying.
 */
const httpUrl = z.url({ protocol: /^https?$/, error: "an http(s) URL" });

export const moonTvConfigSchema = z.strictObject({
  cache_time: z.int({ error: "a whole number of seconds from 0 to 31536000" }).min(0).max(31_536_000).optional(),
  api_site: z.record(
    z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, { error: "site keys of letters, digits, _ and - (1 to 64)" }),
    z.strictObject({
      api: httpUrl,
      name: z.string({ error: "a non-empty site name" }).min(1),
      detail: httpUrl.optional(),
    }),
    { error: "a mapping of site key to { api, name, detail? }" },
  ),
  custom_category: z
    .array(
      z.strictObject({
        name: z.string({ error: "a category name" }).optional(),
        type: z.enum(["movie", "tv"], { error: "movie or tv" }),
        query: z.string({ error: "a non-empty search query" }).min(1),
      }),
      { error: "a list of { name?, type, query }" },
    )
    .optional(),
});

export type MoonTvConfig = z.infer<typeof moonTvConfigSchema>;
