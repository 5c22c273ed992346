-- CORTEX 2.0 design D/03 conversation_state.db: already has last_updated.
CREATE TABLE conversations (
    conversation_id TEXT PRIMARY KEY,
    user_request TEXT NOT NULL,
    intent TEXT,
    status TEXT NOT NULL DEFAULT 'active',
    created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
    last_updated TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
    completed_at TIMESTAMP,
    current_phase TEXT,
    current_task_id TEXT,
    resume_prompt TEXT,
    context_summary TEXT,
    agent_assigned TEXT,
    hemisphere TEXT,
    priority INTEGER DEFAULT 0
);
CREATE TABLE tasks (
    task_id TEXT PRIMARY KEY,
    conversation_id TEXT NOT NULL REFERENCES conversations(conversation_id),
    title TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'not_started',
    phase TEXT
);
INSERT INTO conversations (conversation_id, user_request, intent, status, created_at, last_updated, current_phase) VALUES
  ('cs-1', 'Add retention worker', 'implement', 'active', '2025-11-01 09:00:00', '2025-11-02 10:00:00', 'GREEN'),
  ('cs-2', 'Write dashboard', 'implement', 'paused', '2025-11-03 09:00:00', '2025-11-03 12:00:00', 'PLAN');
INSERT INTO tasks VALUES ('t-1', 'cs-1', 'Policies table', 'completed', 'GREEN'), ('t-2', 'cs-1', 'Batch deletes', 'in_progress', 'RED');
