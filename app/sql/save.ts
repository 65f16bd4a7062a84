/**
 * `logmill sql --save FILE`: the `logs` table kept for later queries, as a
 * DuckDB database (FILE.duckdb: its `logs` table is created or replaced, other
 * tables in it are left alone) or a Parquet file (FILE.parquet: written
 * whole, replacing the file). The file's extension decides, here only.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { UsageError } from '../settings.js';

export type SaveKind = 'duckdb' | 'parquet';

export function saveKind(file: string): SaveKind {
  if (/\.duckdb$/i.test(file)) return 'duckdb';
  if (/\.parquet$/i.test(file)) return 'parquet';
  throw new UsageError(`--save ${file}: name a .duckdb or a .parquet file`);
}

const literal = (s: string) => `'${s.replace(/'/g, "''")}'`;

export async function saveTable(connection: DuckDBConnection, file: string): Promise<void> {
  if (saveKind(file) === 'parquet') {
    await connection.run(`COPY logs TO ${literal(file)} (FORMAT parquet)`);
    return;
  }
  await connection.run(`ATTACH ${literal(file)} AS logmill_saved`);
  try {
    await connection.run('CREATE OR REPLACE TABLE logmill_saved.logs AS FROM memory.logs');
  } finally {
    await connection.run('DETACH logmill_saved');
  }
}
