-- CORTEX 1.0 Tier 1 as src/tier1/working_memory.py creates it (later columns
-- included). Has an older index named idx_conversations_active on is_active.
CREATE TABLE conversations (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    conversation_id TEXT UNIQUE NOT NULL,
    title TEXT,
    created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
    updated_at TIMESTAMP,
    message_count INTEGER DEFAULT 0,
    is_active INTEGER DEFAULT 1,
    summary TEXT,
    tags TEXT,
    session_id TEXT,
    last_activity TIMESTAMP
);
CREATE INDEX idx_conversations_active ON conversations(is_active);
CREATE TABLE messages (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    conversation_id TEXT NOT NULL,
    role TEXT NOT NULL,
    content TEXT NOT NULL,
    timestamp TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
    FOREIGN KEY (conversation_id) REFERENCES conversations(conversation_id)
);
INSERT INTO conversations (conversation_id, title, created_at, updated_at, message_count, is_active, summary, tags, session_id, last_activity) VALUES
  ('wm-1', 'Refactor tier2 search', '2025-09-01 10:00:00', '2025-09-02 11:00:00', 2, 0, 'FTS5 tuned', '["search"]', 's-1', '2025-09-02 11:00:00'),
  ('wm-2', 'Crawler for Oracle', '2025-10-10 10:00:00', NULL, 1, 1, NULL, NULL, 's-2', '2025-10-11 16:00:00'),
  ('wm-3', 'Untitled', '2025-11-01 12:00:00', NULL, 0, 1, NULL, NULL, NULL, NULL);
INSERT INTO messages (conversation_id, role, content, timestamp) VALUES
  ('wm-1', 'user', 'Search is slow', '2025-09-01 10:00:00'),
  ('wm-1', 'assistant', 'Rebuilt the FTS index', '2025-09-02 11:00:00'),
  ('wm-2', 'user', 'Find our Oracle connections', '2025-10-10 10:00:00');
