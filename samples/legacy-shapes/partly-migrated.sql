-- A 1.0 brain that other CORTEX tooling (doc 12's runner) partly migrated:
-- its own migrations rows, and two seed tables created from the seed's DDL
-- with different formatting. Both tables must be accepted, the rows kept.
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
INSERT INTO conversations VALUES ('pm-1', 'copilot', '2025-11-06 10:00:00', NULL, 'Half way', NULL, 'active', 0, NULL);
CREATE TABLE migrations (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL,
    applied_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    checksum TEXT NOT NULL,
    success INTEGER NOT NULL,
    error_message TEXT
);
INSERT INTO migrations (name, checksum, success) VALUES
  ('2025-11-07_001_core_tables.sql', 'abc123', 1),
  ('2025-11-07_002_self_review.sql', 'def456', 1);
create table health_reports (
  id integer primary key autoincrement,
  created_at timestamp not null default CURRENT_TIMESTAMP,
  overall_status text not null, overall_score real not null, database_score real not null,
  performance_score real not null, rule_compliance_score real not null, test_coverage_score real not null,
  storage_score real not null, auto_fixable_count integer not null, fixed_count integer not null
);
CREATE TABLE "health_issues" (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    report_id INTEGER NOT NULL REFERENCES health_reports(id) ON DELETE CASCADE,
    category TEXT NOT NULL, severity TEXT NOT NULL, title TEXT NOT NULL, description TEXT,
    auto_fixable INTEGER NOT NULL DEFAULT 0, fix_applied INTEGER NOT NULL DEFAULT 0,
    fix_description TEXT, impact TEXT, recommendation TEXT, detected_at TIMESTAMP NOT NULL,
    UNIQUE(report_id, title)
);
CREATE INDEX idx_health_issues_report ON health_issues(report_id);
INSERT INTO health_reports (overall_status, overall_score, database_score, performance_score, rule_compliance_score, test_coverage_score, storage_score, auto_fixable_count, fixed_count)
VALUES ('good', 0.82, 0.9, 0.8, 0.85, 0.7, 0.9, 1, 0);
INSERT INTO health_issues (report_id, category, severity, title, detected_at) VALUES (1, 'database', 'medium', 'Fragmentation 24%', '2025-11-07 02:00:00');
