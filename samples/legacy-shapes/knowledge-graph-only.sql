-- A brain file with no conversations table at all (a Tier 2-style file
-- pointed at by config): the migration creates the 1.0 baseline table.
CREATE TABLE patterns (
    pattern_id TEXT PRIMARY KEY,
    title TEXT NOT NULL,
    content TEXT NOT NULL,
    pattern_type TEXT,
    confidence REAL DEFAULT 1.0,
    created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
    last_accessed TIMESTAMP,
    access_count INTEGER DEFAULT 0,
    scope TEXT DEFAULT 'generic',
    namespaces TEXT DEFAULT '["CORTEX-core"]'
);
INSERT INTO patterns (pattern_id, title, content, pattern_type, confidence) VALUES
  ('p-1', 'Use BEGIN IMMEDIATE for writers', 'Take the write lock up front', 'workflow', 0.9);
