import type { Database } from '../db/database';
import { CortexError } from '../db/errors';
import { tableExists } from '../schema/structure';
import { DISCOVERY_TABLES, DiscoveryKind, ENTITY_TYPE, EntityType, RELATIONSHIPS_TABLE } from './discoveries';

/**
 * Links from knowledge-graph patterns to what the crawler discovered (doc 11's
 * `add_relationship(subject_pattern_id, relationship_type, object_entity_id,
 * object_entity_type)`), kept in `knowledge_relationships` (migration 010).
 */
export type RelationshipType = 'uses_database' | 'uses_api' | 'uses_framework';

/** The one relationship type each entity type takes. */
export const RELATIONSHIP_FOR: Record<EntityType, RelationshipType> = {
  workspace_database: 'uses_database',
  workspace_api: 'uses_api',
  workspace_framework: 'uses_framework',
};

export interface RelationshipSpec {
  /** The pattern's id (1.0 `patterns.pattern_id`, TEXT; numbers are stored as their text). */
  subjectPatternId: string | number;
  relationshipType: RelationshipType;
  objectEntityType: EntityType;
  objectEntityId: number;
}

export interface KnowledgeRelationship {
  id: number;
  subject_pattern_id: string;
  relationship_type: RelationshipType;
  object_entity_type: EntityType;
  object_entity_id: number;
  created_at: string;
}

const KIND_OF: Record<EntityType, DiscoveryKind> = Object.fromEntries(Object.entries(ENTITY_TYPE).map(([k, v]) => [v, k])) as Record<EntityType, DiscoveryKind>;

async function requireTable(db: Database): Promise<void> {
  if (!(await tableExists(db, RELATIONSHIPS_TABLE))) {
    throw new CortexError('BAD_INPUT', `The brain ${db.path} has no ${RELATIONSHIPS_TABLE} table yet.`, 'Migrate it first: `cortex migrate` or "CORTEX: Migrate Now".');
  }
}

function checked(spec: RelationshipSpec): [string, RelationshipType, EntityType, number] {
  const pattern = String(spec.subjectPatternId).trim();
  if (!pattern) throw new CortexError('BAD_INPUT', 'A relationship needs the id of the pattern it starts from.');
  if (!(spec.objectEntityType in RELATIONSHIP_FOR)) throw new CortexError('BAD_INPUT', `Unknown entity type ${spec.objectEntityType}; expected ${Object.keys(RELATIONSHIP_FOR).join(', ')}.`);
  if (RELATIONSHIP_FOR[spec.objectEntityType] !== spec.relationshipType) {
    throw new CortexError('BAD_INPUT', `A ${spec.objectEntityType} is linked with ${RELATIONSHIP_FOR[spec.objectEntityType]}, not ${spec.relationshipType}.`);
  }
  return [pattern, spec.relationshipType, spec.objectEntityType, spec.objectEntityId];
}

/** Links a pattern to a discovery (idempotent); returns the relationship's id. The discovery must exist. */
export async function addRelationship(db: Database, spec: RelationshipSpec): Promise<number> {
  const values = checked(spec);
  await requireTable(db);
  const table = DISCOVERY_TABLES[KIND_OF[spec.objectEntityType]];
  if (!(await db.get(`SELECT 1 AS x FROM ${table} WHERE id = ?`, [spec.objectEntityId]))) {
    throw new CortexError('BAD_INPUT', `There is no ${spec.objectEntityType} with id ${spec.objectEntityId}.`);
  }
  await db.run(
    `INSERT OR IGNORE INTO ${RELATIONSHIPS_TABLE} (subject_pattern_id, relationship_type, object_entity_type, object_entity_id) VALUES (?, ?, ?, ?)`,
    values,
  );
  const row = await db.get<{ id: number }>(
    `SELECT id FROM ${RELATIONSHIPS_TABLE} WHERE subject_pattern_id = ? AND relationship_type = ? AND object_entity_type = ? AND object_entity_id = ?`,
    values,
  );
  return row!.id;
}

/** Removes one link; false when it did not exist. */
export async function removeRelationship(db: Database, spec: RelationshipSpec): Promise<boolean> {
  const values = checked(spec);
  if (!(await tableExists(db, RELATIONSHIPS_TABLE))) return false;
  const r = await db.run(
    `DELETE FROM ${RELATIONSHIPS_TABLE} WHERE subject_pattern_id = ? AND relationship_type = ? AND object_entity_type = ? AND object_entity_id = ?`,
    values,
  );
  return r.changes > 0;
}

/** What a pattern is linked to, oldest link first. */
export async function relationshipsOfPattern(db: Database, patternId: string | number): Promise<KnowledgeRelationship[]> {
  if (!(await tableExists(db, RELATIONSHIPS_TABLE))) return [];
  return db.all<KnowledgeRelationship>(`SELECT * FROM ${RELATIONSHIPS_TABLE} WHERE subject_pattern_id = ? ORDER BY id`, [String(patternId)]);
}

/** The patterns linked to a discovery (uses the (object_entity_type, object_entity_id) index). */
export async function relationshipsOfEntity(db: Database, entityType: EntityType, entityId: number): Promise<KnowledgeRelationship[]> {
  if (!(await tableExists(db, RELATIONSHIPS_TABLE))) return [];
  return db.all<KnowledgeRelationship>(`SELECT * FROM ${RELATIONSHIPS_TABLE} WHERE object_entity_type = ? AND object_entity_id = ? ORDER BY id`, [entityType, entityId]);
}
