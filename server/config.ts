// Configuration from the environment, with the defaults the README promises.
import { resolve } from 'node:path';
import { originOf } from './origins.ts';
import { DEFAULT_QUOTAS, type QuotaLimits } from './quotas.ts';

export interface Config {
  port: number;
  host: string;
  dataDir: string;
  /** DATABASE_URL: PostgreSQL instead of the SQLite file in dataDir (several servers may share it). */
  databaseUrl: string | null;
  /** Base of join links and QR codes, e.g. https://verkstad.region.se. */
  publicUrl: string | null;
  /** Express `trust proxy`: set behind a reverse proxy so each phone's own address is seen. */
  trustProxy: string | false;
  /** RETENTION_DAYS: erase workshops this many days after they were closed; null (default) never. */
  retentionDays: number | null;
  /** ALLOWED_ORIGINS: browser origins besides the app's own that may connect and create. */
  allowedOrigins: string[];
  /** QUOTAS: limits changed from their defaults (docs/operations.md, "Limits"). */
  quotas: Partial<QuotaLimits>;
}

/** QUOTAS: `name=value` pairs separated by commas, e.g. `joinsPerAddress=1000`. */
function readQuotas(value: string | undefined): Partial<QuotaLimits> {
  const quotas: Partial<QuotaLimits> = {};
  for (const pair of (value ?? '').split(',').map((item) => item.trim()).filter(Boolean)) {
    const [name, raw] = pair.split('=').map((part) => part.trim());
    const n = Number(raw);
    if (!Object.hasOwn(DEFAULT_QUOTAS, name) || !Number.isInteger(n) || n < 1)
      throw new Error(`QUOTAS must be name=number pairs of ${Object.keys(DEFAULT_QUOTAS).join(', ')}; got ${pair}`);
    quotas[name as keyof QuotaLimits] = n;
  }
  return quotas;
}

/** ALLOWED_ORIGINS: comma-separated http(s) origins, each reduced to scheme://host[:port]. */
function readOrigins(value: string | undefined): string[] {
  const listed = (value ?? '').split(',').map((item) => item.trim()).filter(Boolean);
  return listed.map((item) => {
    const origin = originOf(item);
    if (!origin) throw new Error(`ALLOWED_ORIGINS must list http(s) origins separated by commas, got ${item}`);
    return origin;
  });
}

/** DATABASE_URL: a postgres:// or postgresql:// URL; unset or empty keeps the embedded SQLite store. */
function readDatabaseUrl(value: string | undefined): string | null {
  const url = value?.trim();
  if (!url) return null;
  if (!/^postgres(ql)?:\/\//.test(url) || !URL.canParse(url))
    throw new Error('DATABASE_URL must be a postgres:// or postgresql:// URL, e.g. postgres://verkstad@db.region.se/verkstad');
  return url;
}

export function readConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const port = Number(env.PORT ?? 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`PORT must be a port number, got ${env.PORT}`);
  const publicUrl = env.PUBLIC_URL?.trim().replace(/\/+$/, '') || null;
  if (publicUrl && !/^https?:\/\/[^/\s]+(\/\S*)?$/.test(publicUrl))
    throw new Error(`PUBLIC_URL must be an http(s) address, got ${env.PUBLIC_URL}`);
  const retention = env.RETENTION_DAYS?.trim();
  const retentionDays = retention ? Number(retention) : null;
  if (retentionDays !== null && !(Number.isInteger(retentionDays) && retentionDays >= 1 && retentionDays <= 36500))
    throw new Error(`RETENTION_DAYS must be a whole number of days (1 or more), got ${env.RETENTION_DAYS}`);
  return {
    retentionDays,
    port,
    host: env.HOST?.trim() || '0.0.0.0',
    dataDir: resolve(env.DATA_DIR?.trim() || 'data'),
    databaseUrl: readDatabaseUrl(env.DATABASE_URL),
    publicUrl,
    trustProxy: env.TRUST_PROXY?.trim() || false,
    allowedOrigins: readOrigins(env.ALLOWED_ORIGINS),
    quotas: readQuotas(env.QUOTAS),
  };
}
