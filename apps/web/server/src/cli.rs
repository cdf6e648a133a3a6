use migration::{Migrator, MigratorTrait};
use persistence::db;

use crate::{config::Config, sweep::sweep_once};

/// `guestroom migrate <up|down|status|fresh>`: manage the schema of `DATABASE_URL` by
/// hand. (The server applies pending migrations by itself at start-up.)
#[allow(clippy::print_stdout, reason = "`status` reports on standard output")]
pub async fn migrate(config: &Config, args: &[String]) -> Result<(), String> {
    let connection = db::connect(config.database_url.expose())
        .await
        .map_err(|e| format!("cannot open {}: {e}", config.database_url.redacted()))?;
    let result = match args {
        [command] if command == "up" => Migrator::up(&connection, None).await,
        [command] if command == "down" => Migrator::down(&connection, Some(1)).await,
        [command, steps] if command == "down" => {
            let steps = steps.parse().map_err(|_| format!("not a number of steps: {steps}"))?;
            Migrator::down(&connection, Some(steps)).await
        }
        [command] if command == "fresh" => Migrator::fresh(&connection).await,
        [command] if command == "status" => {
            let migrations = Migrator::get_migration_with_status(&connection)
                .await
                .map_err(|e| format!("cannot read the migration table: {e}"))?;
            for migration in migrations {
                println!("{:<9} {}", format!("{:?}", migration.status()), migration.name());
            }
            Ok(())
        }
        _ => return Err(MIGRATE_USAGE.to_owned()),
    };
    result.map_err(|e| format!("migration failed: {e}"))
}

pub const MIGRATE_USAGE: &str = "usage: guestroom migrate up | down [STEPS] | status | fresh
  up      apply every pending migration
  down    roll back the last migration (or STEPS of them)
  status  list migrations as Applied or Pending
  fresh   drop every table and apply all migrations (destroys data)";

/// `guestroom sweep`: deletes stale guests and expired records once, for cron (the
/// server also sweeps by itself every hour).
#[allow(clippy::print_stdout, reason = "the counts are the command's output")]
pub async fn sweep(config: &Config) -> Result<(), String> {
    let connection = db::connect(config.database_url.expose())
        .await
        .map_err(|e| format!("cannot open {}: {e}", config.database_url.redacted()))?;
    let store = persistence::Store::new(connection, std::sync::Arc::new(identity::SystemClock));
    let report = sweep_once(&store, config.guest_retention())
        .await
        .map_err(|e| format!("sweep failed: {e}"))?;
    println!(
        "deleted {} guests, {} attempt counts, {} ended sessions, {} finished ceremonies, {} expired mail links, {} expired device codes, {} idempotency keys a day old",
        report.guests,
        report.attempts,
        report.ended_sessions,
        report.ceremonies,
        report.email_tokens,
        report.device_codes,
        report.change_keys
    );
    Ok(())
}
