import { Migration } from '@mikro-orm/migrations';

/**
 * Migrations of the messaging tables that every service with an outbox runs alike: each service lists them in its
 * own migrations under its own name, so they run in order with its other migrations.
 */

/** `outbox.trace_context`: the trace of the change that recorded an event, continued by the relay's publish. */
export class OutboxTraceContextMigration extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "outbox" add column if not exists "trace_context" jsonb null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "outbox" drop column if exists "trace_context";`);
  }
}
