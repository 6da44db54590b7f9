// fibrotrack migrate: creates the database when missing and applies pending migrations.
import type { Config } from '../config.js';
import { openPool } from '../store/mysql/connect.js';
import { migrate } from '../store/mysql/migrate.js';

export async function migrateCommand(config: Config): Promise<number> {
  const pool = await openPool(config.databaseUrl, 1);
  try {
    const applied = await migrate(pool);
    console.log(applied.length ? `Applied ${applied.join(', ')}` : 'Database is up to date');
    return 0;
  } finally {
    await pool.end();
  }
}
