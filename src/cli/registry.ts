import { Command } from './command';
import { conversationCommands } from './conversationCommands';
import { crawlCommands } from './crawlCommands';
import { creationCommands } from './creationCommands';
import { healthCommands } from './healthCommands';
import { pluginCommands } from './pluginCommands';

/**
 * Commands of the engines beyond the brain lifecycle (init/migrate/status/restore,
 * which live in main.ts). Each capability exports its own record.
 */
export const EXTRA_COMMANDS: Record<string, Command> = {
  ...creationCommands,
  ...conversationCommands,
  ...pluginCommands,
  ...crawlCommands,
  ...healthCommands,
};
