// Read on the server at request time (not baked into the build), so one `next build` serves any API address.
import { envSchema } from '@driftprune/config';

export function runtimeConfig(): { apiUrl: string; localMode: boolean } {
  const env = envSchema.pick({ PUBLIC_API_URL: true, LOCAL_MODE: true }).parse({
    PUBLIC_API_URL: process.env.PUBLIC_API_URL || undefined,
    LOCAL_MODE: process.env.LOCAL_MODE || undefined,
  });
  return { apiUrl: env.PUBLIC_API_URL, localMode: env.LOCAL_MODE };
}
