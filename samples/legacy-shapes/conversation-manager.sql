-- CORTEX 1.0 Tier 1 as src/tier1/conversation_manager.py creates it
-- (cortex-brain/tier1/conversations.db). No last_updated column.
CREATE TABLE conversations (
    conversation_id TEXT PRIMARY KEY,
    agent_id TEXT,
    start_time TIMESTAMP,
    end_time TIMESTAMP,
    goal TEXT,
    outcome TEXT,
    status TEXT,
    message_count INTEGER DEFAULT 0,
    context TEXT
);
CREATE TABLE messages (
    message_id INTEGER PRIMARY KEY AUTOINCREMENT,
    conversation_id TEXT NOT NULL REFERENCES conversations(conversation_id),
    role TEXT,
    content TEXT,
    timestamp TIMESTAMP
);
CREATE INDEX idx_messages_conversation ON messages(conversation_id);
INSERT INTO conversations VALUES
  ('conv-001', 'copilot', '2025-10-01 09:00:00', '2025-10-01 09:40:00', 'Add invoice export', 'done', 'completed', 3, '{"files":["src/export.ts"]}'),
  ('conv-002', 'copilot', '2025-10-20 14:05:00', NULL, 'Fix flaky login test', NULL, 'active', 2, NULL),
  ('conv-003', 'planner', '2025-11-05 08:30:00', '2025-11-05 08:31:00', 'Plan brain maintenance', 'planned', 'completed', 1, '{}');
INSERT INTO messages (conversation_id, role, content, timestamp) VALUES
  ('conv-001', 'user', 'Export invoices as CSV', '2025-10-01 09:00:00'),
  ('conv-001', 'assistant', 'Added exportCsv() with tests', '2025-10-01 09:30:00'),
  ('conv-001', 'user', 'Thanks', '2025-10-01 09:40:00'),
  ('conv-002', 'user', 'The login test fails one run in five', '2025-10-20 14:05:00'),
  ('conv-002', 'assistant', 'It races the session cookie; waiting on it now', '2025-10-20 14:20:00'),
  ('conv-003', 'user', 'When should the brain be vacuumed?', '2025-11-05 08:30:00');
