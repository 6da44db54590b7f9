// After a load: every literal reference in every stored resource points at a stored resource.
import mysql from 'mysql2/promise';

export interface ReferenceCheck {
  resources: number;
  references: number;
  /** References whose target is not stored (urn:uuid leftovers count here too). */
  dangling: string[];
}

export async function checkReferences(url: string): Promise<ReferenceCheck> {
  const conn = await mysql.createConnection(url);
  try {
    const [rows] = await conn.query(
      'SELECT r.res_type, r.res_id, h.content FROM resource r JOIN resource_history h ON h.resource_pk = r.pk AND h.version_id = r.version_id WHERE r.deleted = 0',
    );
    const stored = rows as { res_type: string; res_id: string; content: string }[];
    const known = new Set(stored.map((r) => `${r.res_type}/${r.res_id}`));
    const result: ReferenceCheck = { resources: stored.length, references: 0, dangling: [] };
    for (const row of stored) {
      JSON.parse(row.content, (key, value: unknown) => {
        if (key === 'reference' && typeof value === 'string' && !value.startsWith('#')) {
          result.references++;
          if (!known.has(value)) result.dangling.push(`${row.res_type}/${row.res_id} -> ${value}`);
        }
        return value;
      });
    }
    return result;
  } finally {
    await conn.end();
  }
}
