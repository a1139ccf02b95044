// Read on the server at request time (not baked into the build), so one `next build` serves any API address.
import { loadEnvFields } from '@driftprune/config';

export function runtimeConfig(): { apiUrl: string; localMode: boolean } {
  const env = loadEnvFields(['PUBLIC_API_URL', 'LOCAL_MODE']);
  return { apiUrl: env.PUBLIC_API_URL, localMode: env.LOCAL_MODE };
}
