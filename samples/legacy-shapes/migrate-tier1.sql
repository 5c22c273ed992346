-- CORTEX 1.0 Tier 1 as src/tier1/migrate_tier1.py imports it. Its
-- idx_conversations_active is on `active`.
CREATE TABLE conversations (
    conversation_id TEXT PRIMARY KEY,
    title TEXT,
    started TIMESTAMP,
    ended TIMESTAMP,
    message_count INTEGER DEFAULT 0,
    active INTEGER DEFAULT 0,
    intent TEXT,
    outcome TEXT,
    note TEXT,
    source TEXT,
    session_id TEXT,
    import_date TIMESTAMP,
    created_at TIMESTAMP,
    updated_at TIMESTAMP
);
CREATE INDEX IF NOT EXISTS idx_conversations_active ON conversations(active);
INSERT INTO conversations VALUES
  ('imp-1', 'Imported: setup', '2025-08-01 08:00:00', '2025-08-01 09:00:00', 4, 0, 'setup', 'ok', NULL, 'yaml', 's-9', '2025-11-01 00:00:00', '2025-08-01 08:00:00', '2025-08-01 09:00:00'),
  ('imp-2', 'Imported: no dates', NULL, NULL, 0, 1, NULL, NULL, 'legacy', 'yaml', NULL, '2025-11-01 00:00:00', NULL, NULL);
